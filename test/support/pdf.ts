// Reading a PDF back as its reader would: the text it shows. pdf.js loads its worker by dynamic import,
// which Jest's module sandbox refuses, so the reading runs in a plain Node process of its own.
import { execFile } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';

/** The PDF's text, whitespace as the parser lays it out. */
export function pdfText(pdf: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [path.join(__dirname, 'pdf-text.mjs')], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`reading the PDF failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
    child.stdin!.end(pdf);
  });
}

/** A request's answer with its body as bytes, whatever its content type: for a PDF, a CSV or a scan. */
export async function bytesOf(test: request.Test): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const res = await test.buffer(true).parse((response, done) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });
  return { status: res.status, headers: res.headers as Record<string, string>, body: res.body as Buffer };
}

/** GETs `path` from `url` (an address, or an app) and gives its body as bytes. */
export const downloadBytes = (url: Parameters<typeof request>[0], path: string) => bytesOf(request(url).get(path));
