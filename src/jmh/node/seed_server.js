'use strict';
// juv's seed server (io.juv.examples.SeedServer) on Node.js: same options, same bytes on the wire.
//
//   node src/jmh/node/seed_server.js [--host ADDR] [--port N] [--delay MS] [--keep-alive] [--backlog N]
//
// Delay mode (cl-async's tcp-server-test): the first data of a connection starts a setTimeout;
// when it fires, the response is written and the socket destroyed from the write callback, i.e.
// once the write completed (juv closes after the write too). A client that leaves first clears
// the timer. Keep-alive mode: every "\r\n\r\n" (matched across reads) is answered at once; the
// server never closes. Node is single-threaded for I/O (one libuv loop); on EMFILE its libuv drops
// the connections it cannot accept (as juv) and the server emits 'error': logged once.

const net = require('net');

const NAME = 'node';
let host = '0.0.0.0';
let port = 9009;
let delay = 5000;
let keepAlive = false;
let backlog = 4096;

const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const value = () => {
    if (i + 1 >= argv.length) usage('missing value for ' + argv[i]);
    return argv[++i];
  };
  switch (argv[i]) {
    case '--host': host = value(); break;
    case '--port': port = integer(value()); break;
    case '--delay': delay = integer(value()); break;
    case '--keep-alive': keepAlive = true; break;
    case '--backlog': backlog = integer(value()); break;
    case '--stats': case '--no-stats': break; // the seed server's; peers print no stats
    default: usage('unknown option ' + argv[i]);
  }
}

function integer(s) {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) usage('not a number: ' + s);
  return n;
}

function usage(message) {
  process.stderr.write(NAME + ': ' + message + '; options: --host ADDR --port N --delay MS --keep-alive --backlog N\n');
  process.exit(2);
}

const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nDate: Wed, 03 Oct 2012 23:43:10 GMT\r\n'
    + 'Content-Type: text/plain\r\nContent-Length: 9\r\n\r\nomglolwtf', 'latin1');
const LEN = RESPONSE.length;
// Pipelined requests are answered in one write of up to BATCH responses: views made once, here.
const BATCH = 64;
const RESPONSES = Buffer.alloc(LEN * BATCH);
for (let i = 0; i < BATCH; i++) RESPONSE.copy(RESPONSES, i * LEN);
const BATCHES = [null];
for (let k = 1; k <= BATCH; k++) BATCHES.push(RESPONSES.subarray(0, k * LEN));

const CR = 13;
const LF = 10;

function noop() {}

// ---- delay mode -----------------------------------------------------------------------------

function answer(socket) {
  socket.juvTimer = null;
  if (socket.destroyed) return;
  socket.write(RESPONSE, () => socket.destroy()); // close once the write completed (or failed)
}

function delayedData() {
  // `this` is the socket; data is ignored, the first chunk starts the timer.
  if (this.juvTimer === undefined) this.juvTimer = setTimeout(answer, delay, this);
}

function delayedClose() {
  if (this.juvTimer) clearTimeout(this.juvTimer); // the client left before the answer
  this.juvTimer = null;
}

function onDelayed(socket) {
  socket.juvTimer = undefined;
  socket.on('data', delayedData);
  socket.on('close', delayedClose);
  socket.on('error', noop); // reset by the client: 'close' follows
}

// ---- keep-alive mode ------------------------------------------------------------------------

function keepAliveData(data) {
  // `this` is the socket; juvMatched: bytes of "\r\n\r\n" matched so far, kept across reads.
  let matched = this.juvMatched;
  let requests = 0;
  for (let i = 0, n = data.length; i < n; i++) {
    const b = data[i];
    if (b === ((matched & 1) === 0 ? CR : LF)) {
      if (++matched === 4) {
        requests++;
        matched = 0;
      }
    } else {
      matched = b === CR ? 1 : 0;
    }
  }
  this.juvMatched = matched;
  while (requests > 0) {
    const k = requests < BATCH ? requests : BATCH;
    requests -= k;
    this.write(BATCHES[k]);
  }
}

function onKeepAlive(socket) {
  socket.juvMatched = 0;
  socket.on('data', keepAliveData);
  socket.on('error', noop); // clients closing their connections is how a keep-alive benchmark ends
}

// ---- the server -----------------------------------------------------------------------------

const server = net.createServer({ noDelay: true }, keepAlive ? onKeepAlive : onDelayed);
let loggedAcceptError = false;
server.on('error', (err) => {
  if (!server.listening) { // listen failed (EADDRINUSE, ...)
    process.stderr.write(NAME + ': ' + err.message + '\n');
    process.exit(1);
  }
  if (loggedAcceptError) return; // accept errors (EMFILE): libuv has dropped the connection
  loggedAcceptError = true;
  process.stderr.write(NAME + ': accept failed: ' + err.message
      + '; connections beyond the limit are closed at once (logged once)\n');
});
server.listen({ host, port, backlog }, () => {
  process.stdout.write(NAME + ' listening on ' + host + ':' + server.address().port + '\n');
});
