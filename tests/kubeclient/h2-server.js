// SPDX-License-Identifier: Apache-2.0
// An HTTP/2 server over TLS (Node's own implementation, as Go's is the API server's) for
// tst_http2. Requests to /hold?expect=N are answered only once N of them are open at the same
// time, so they can only all succeed if the client sends them concurrently; /stats tells how many
// TLS connections carried them.
// Usage: node h2-server.js CERT.pem KEY.pem   (prints "port N" once listening)
'use strict';
const http2 = require('http2');
const fs = require('fs');

const [certFile, keyFile] = process.argv.slice(2);
let connections = 0;
let held = [];
let served = 0;

const server = http2.createSecureServer({
  cert: fs.readFileSync(certFile),
  key: fs.readFileSync(keyFile),
  allowHTTP1: true, // an HTTP/1.1 client still gets answers, and is seen as such
});
server.on('secureConnection', () => { connections++; });
server.on('request', (request, response) => {
  const url = new URL(request.url, 'https://127.0.0.1');
  response.setHeader('content-type', 'application/json');
  if (url.pathname === '/stats') {
    response.end(JSON.stringify({ connections, served }));
    return;
  }
  const expect = Number(url.searchParams.get('expect') || '1');
  held.push({ response, httpVersion: request.httpVersion });
  if (held.length < expect)
    return;
  for (const { response, httpVersion } of held) {
    served++;
    response.end(JSON.stringify({ kind: 'Status', httpVersion, concurrent: held.length }));
  }
  held = [];
});
server.listen(0, '127.0.0.1', () => { console.log('port ' + server.address().port); });
