#!/usr/bin/env node
// The Upload e2e tests' S3: s3rver (npm, pinned in package.json) on loopback, behind a gate that
// checks every signed request the way S3 does, because s3rver 3.7.1 accepts any Signature
// Version 4 signature unchecked (lib/middleware/authentication.js). The gate is written from
// AWS's description of SigV4 and shares no code with kubeproof's C++ signer.
//
//   node s3_server.js '{"directory": D, "bucket": B, "keys": {ID: SECRET}, "tokens": {ID: TOKEN},
//                       "fail_first": N}'
//
// Prints "PORT <n>" once listening; stops when its stdin closes. GET /_test/log answers the
// requests seen, oldest first: method, path, status, signed header names, whether a session
// token was sent. Unsigned GETs pass (the tests read objects back); an unsigned PUT is refused.
'use strict';

const crypto = require('crypto');
const { Readable } = require('stream');
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

const config = JSON.parse(process.argv[2]);
const log = [];
let failuresLeft = config.fail_first || 0;

const sha256 = data => crypto.createHash('sha256').update(data).digest();
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();
const rfc3986 = text =>
  encodeURIComponent(text).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());

function s3Error(ctx, status, code) {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code></Error>`;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// Checks the request against its Authorization header; returns [status, code] of a refusal, or null.
function check(ctx, body) {
  const auth = ctx.get('authorization');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return [403, 'AccessDenied'];
  const [, id, day, region, signedHeaders, signature] = m;
  const secret = (config.keys || {})[id];
  if (secret === undefined) return [403, 'InvalidAccessKeyId'];
  const names = signedHeaders.split(';');
  for (const needed of ['host', 'x-amz-date', 'x-amz-content-sha256', 'content-md5', 'x-amz-checksum-sha256'])
    if (!names.includes(needed)) return [400, 'MissingSignedHeader'];
  const token = (config.tokens || {})[id];
  if (token !== undefined && (!names.includes('x-amz-security-token') || ctx.get('x-amz-security-token') !== token))
    return [403, 'InvalidToken'];
  const amzDate = ctx.get('x-amz-date');
  const when = Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!amzDate.startsWith(day) || !(Math.abs(Date.now() - when) < 15 * 60 * 1000)) return [403, 'RequestTimeTooSkewed'];
  if (ctx.get('x-amz-content-sha256') !== sha256(body).toString('hex')) return [400, 'XAmzContentSHA256Mismatch'];
  if (ctx.get('content-md5') !== crypto.createHash('md5').update(body).digest('base64')) return [400, 'BadDigest'];
  if (ctx.get('x-amz-checksum-sha256') !== sha256(body).toString('base64')) return [400, 'BadDigest'];
  const [rawPath, rawQuery = ''] = ctx.originalUrl.split('?');
  const path = rawPath.split('/').map(part => rfc3986(decodeURIComponent(part))).join('/');
  const query = rawQuery.split('&').filter(Boolean).map(pair => pair.split('=').map(x => rfc3986(decodeURIComponent(x || ''))))
    .sort((a, b) => (a[0] + '=' + a[1] < b[0] + '=' + b[1] ? -1 : 1)).map(([k, v]) => `${k}=${v || ''}`).join('&');
  const headers = names.map(name => `${name}:${ctx.get(name).trim().replace(/ +/g, ' ')}\n`).join('');
  const canonical = [ctx.method, path, query, headers, signedHeaders, ctx.get('x-amz-content-sha256')].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical).toString('hex')].join('\n');
  let key = hmac('AWS4' + secret, day);
  for (const part of [region, 's3', 'aws4_request']) key = hmac(key, part);
  if (hmac(key, toSign).toString('hex') !== signature) return [403, 'SignatureDoesNotMatch'];
  return null;
}

async function gate(ctx, next) {
  if (ctx.path === '/_test/log') {
    ctx.body = JSON.stringify(log);
    ctx.type = 'application/json';
    return;
  }
  const signed = ctx.get('authorization') !== '';
  const entry = { method: ctx.method, path: ctx.originalUrl, status: 0, signed_headers: '',
                  token: ctx.get('x-amz-security-token') !== '' };
  log.push(entry);
  if (signed) entry.signed_headers = (/SignedHeaders=([^,]+)/.exec(ctx.get('authorization')) || ['', ''])[1];
  if (ctx.method === 'PUT' && failuresLeft > 0) {
    failuresLeft -= 1;
    s3Error(ctx, 503, 'SlowDown');
  } else if (signed || ctx.method !== 'GET') {
    const body = await readBody(ctx.req);
    const refusal = signed ? check(ctx, body) : [403, 'AccessDenied'];
    if (refusal) {
      s3Error(ctx, ...refusal);
    } else {
      ctx.req = Readable.from([body]);  // s3rver reads the object from ctx.req
      await next();
    }
  } else {
    await next();
  }
  entry.status = ctx.status;
}

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: config.directory,
  vhostBuckets: false,
  configureBuckets: [{ name: config.bucket, configs: [] }],
});
server.middleware.unshift(gate);
// s3rver looks the key id up in its own account registry after the gate has checked the signature.
for (const [id, secret] of Object.entries(config.keys || {})) AWSAccount.DUMMY_ACCOUNT.createKeyPair(id, secret);
server.run().then(address => {
  process.stdout.write(`PORT ${address.port}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => server.close().then(() => process.exit(0)));
});
