import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppConfig } from '../../config/app-config';
import { CertificateRenderer, type RenderInput } from './certificate-renderer';

/** The worker's script: compiled beside this file. Under ts-jest-like runs of the sources there is none. */
const WORKER_FILE = join(__dirname, 'certificate-render-worker.js');

interface Task {
  input: RenderInput;
  resolve(pdf: Buffer): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  task: Task | null;
}

/**
 * The renderer the app uses: the same drawing, spread over `CERTIFICATE_RENDER_THREADS` worker threads, so a
 * cohort's batch of certificates uses every core while the main thread stores files and writes rows. Threads
 * start at the first certificate, not at start-up, and are unreferenced while idle, so nothing waits on them.
 * With 0 threads, or where the compiled worker is missing (tests of the sources), it draws on this thread.
 */
@Injectable()
export class PooledCertificateRenderer extends CertificateRenderer implements OnApplicationShutdown {
  private readonly size: number;
  private readonly threads: Thread[] = [];
  private readonly waiting: Task[] = [];

  constructor(config: AppConfig) {
    super();
    this.size = existsSync(WORKER_FILE) ? config.certificates.renderThreads : 0;
  }

  override render(input: RenderInput): Promise<Buffer> {
    if (this.size === 0) return super.render(input);
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length) {
      let thread = this.threads.find((t) => !t.task);
      if (!thread && this.threads.length < this.size) thread = this.start();
      if (!thread) return;
      const task = this.waiting.shift()!;
      thread.task = task;
      thread.worker.ref();
      thread.worker.postMessage(task.input);
    }
  }

  private start(): Thread {
    const thread: Thread = { worker: new Worker(WORKER_FILE), task: null };
    const finish = (settle: (task: Task) => void) => {
      const task = thread.task;
      thread.task = null;
      thread.worker.unref();
      if (task) settle(task);
      this.dispatch();
    };
    thread.worker.on('message', (m: { pdf: Uint8Array } | { error: string }) =>
      finish((task) => ('pdf' in m ? task.resolve(Buffer.from(m.pdf)) : task.reject(new Error(m.error)))),
    );
    // A thread that dies takes its certificate with it (the job retries it); the next one starts afresh.
    thread.worker.on('error', (error) => {
      this.threads.splice(this.threads.indexOf(thread), 1);
      finish((task) => task.reject(error));
    });
    this.threads.push(thread);
    return thread;
  }

  /**
   * Last in the shutdown, after the job runner has let its running jobs finish (their certificates are drawn here);
   * anything still asked for then is refused, so no caller waits for a thread that is gone.
   */
  async onApplicationShutdown(): Promise<void> {
    const stopping = new Error('The application is stopping.');
    const threads = this.threads.splice(0);
    for (const task of [...this.waiting.splice(0), ...threads.flatMap((t) => (t.task ? [t.task] : []))])
      task.reject(stopping);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
}
