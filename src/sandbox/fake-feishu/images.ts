// Images: upload (im/v1/images, multipart) and, for the sandbox page only, the bytes back.
//
// Sources:
//  - Upload: multipart/form-data with image_type (message | avatar) and image; ≤ 10 MB, not
//    empty; answers data.image_key: https://open.feishu.cn/document/server-docs/im-v1/image/create
//  - GET /fake/images/:key is the fake's own (the sandbox web page shows sent images with it).
import { randomBytes } from 'node:crypto';
import { fail, parseMultipart, RawReply } from './http.js';
import type { RouteRequest } from './router.js';
import type { FakeState } from './state.js';

/** POST /open-apis/im/v1/images */
export function uploadImage(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const parts = parseMultipart(req.headers['content-type'] ?? '', req.body);
  if (!parts) fail(400, 234001, 'Invalid request param: multipart/form-data expected.');
  const imageType = parts!.find((p) => p.name === 'image_type')?.data.toString('utf8');
  const image = parts!.find((p) => p.name === 'image');
  if (!imageType || !['message', 'avatar'].includes(imageType)) fail(400, 234001, 'Invalid request param: image_type.');
  // Docs differ (not changed yet): an empty file is 234010 "File's size can't be 0" on the upload page.
  if (!image || image.data.length === 0) fail(400, 234001, 'Invalid request param: image is empty.');
  if (image!.data.length > 10 * 1024 * 1024) fail(400, 234006, 'The image size exceeds the limit (10 MB).');
  const key = `img_v3_${randomBytes(12).toString('hex')}`;
  f.images.set(key, { bytes: image!.data, imageType: imageType! });
  return { code: 0, msg: 'success', data: { image_key: key } };
}

/** GET /fake/images/:key — the uploaded bytes (404 if unknown). */
export function imageBytes(f: FakeState, req: RouteRequest): RawReply {
  const img = f.images.get(req.params[0]!);
  return new RawReply(img ? 200 : 404, { 'Content-Type': 'application/octet-stream' }, img?.bytes ?? '');
}
