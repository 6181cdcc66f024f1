import { parentPort } from 'node:worker_threads';
import { CertificateRenderer, type RenderInput } from './certificate-renderer';

// One render thread of PooledCertificateRenderer: draws what it is sent, one certificate at a time, and hands the
// PDF's bytes back without copying them.
const renderer = new CertificateRenderer();

// Images arrive as plain Uint8Arrays (structured clone): PDFKit wants Buffers.
const bytes = (image: Uint8Array | null | undefined) => (image ? Buffer.from(image) : null);

parentPort!.on('message', (input: RenderInput) => {
  renderer.render({ ...input, logo: bytes(input.logo), directorSignature: bytes(input.directorSignature) }).then(
    (pdf) => {
      const bytes = pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength ? pdf : new Uint8Array(pdf);
      parentPort!.postMessage({ pdf: bytes }, [bytes.buffer as ArrayBuffer]);
    },
    (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
