import { type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

const CODE_LOOKUP = 'verify:code-lookup';

/** Marks a handler that looks a certificate up by its code: all such handlers draw on one counter per address. */
export const CodeLookup = () => SetMetadata(CODE_LOOKUP, true);

/**
 * The public routes' rate limit (VERIFY_RATE_LIMIT a minute per address). Looking a code up costs the same from the
 * page and from the API — one counter for both, so switching between them buys no extra guesses. The key, the
 * issuer profile and the status lists keep a counter each.
 */
@Injectable()
export class VerifyThrottlerGuard extends ThrottlerGuard {
  protected override generateKey(context: ExecutionContext, suffix: string, name: string): string {
    if (this.reflector.get<boolean>(CODE_LOOKUP, context.getHandler())) return `${name}:code-lookup:${suffix}`;
    return super.generateKey(context, suffix, name);
  }
}
