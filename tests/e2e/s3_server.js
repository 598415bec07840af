#!/usr/bin/env node
// The Upload e2e tests' S3: s3rver (npm, pinned in package.json) on loopback, behind a gate that
// checks every signed request the way S3 does, because s3rver 3.7.1 accepts any Signature
// Version 4 signature unchecked (lib/middleware/authentication.js: "Signature version 4
// calculation is unimplemeneted"). The signature is computed again by `aws4` (npm, pinned), the
// SigV4 signer many Node.js AWS clients use, over the request as received: an implementation
// independent of kubeproof's C++ signer, as `openssl` is for the Ed25519 signatures.
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
const aws4 = require('aws4');
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

const config = JSON.parse(process.argv[2]);
const log = [];
let failuresLeft = config.fail_first || 0;

const sha256 = data => crypto.createHash('sha256').update(data).digest();

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
  // aws4 signs the headers it is given (and Host): exactly those the request says it signed. The
  // payload hash is the request's own x-amz-content-sha256, checked against the body above. The
  // session token travels as a signed header, so it is not given to aws4 as a credential.
  const given = {};
  for (const name of names) if (name !== 'host') given[name] = ctx.get(name);
  const expected = aws4.sign(
    { method: ctx.method, host: ctx.get('host'), path: ctx.originalUrl, service: 's3', region, headers: given },
    { accessKeyId: id, secretAccessKey: secret });
  const redone = /SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(expected.headers.Authorization);
  if (!redone || redone[1] !== signedHeaders || redone[2] !== signature) return [403, 'SignatureDoesNotMatch'];
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
