import type { AppConfig } from '../config/app-config';

/**
 * The line that says where the printed links point and which setting chose it. The command line is often run in
 * a shell that lacks the app's environment, and then its links would silently name the default port.
 */
export function linkBaseNote(config: AppConfig): string {
  switch (config.publicBaseUrlFrom) {
    case 'PUBLIC_BASE_URL':
      return `Links use PUBLIC_BASE_URL: ${config.publicBaseUrl}`;
    case 'PORT':
      return `Links use ${config.publicBaseUrl}, from PORT=${config.port} (PUBLIC_BASE_URL is not set)`;
    case 'default':
      return `Links use ${config.publicBaseUrl}: neither PUBLIC_BASE_URL nor PORT is set here; set them as the app has them if it serves elsewhere`;
  }
}
