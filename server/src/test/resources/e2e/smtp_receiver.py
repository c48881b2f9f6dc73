"""A small real SMTP receiver for the outbound E2E tests (standard library only).

Usage: smtp_receiver.py PORT OUTDIR [CERTFILE KEYFILE LOGIN PASSWORD]. With the last four it is a
smarthost: it offers STARTTLS (with that certificate) and AUTH PLAIN after it, and refuses MAIL
until the client has signed in as LOGIN with PASSWORD. smtp_receiver.py PORT OUTDIR starttls
CERTFILE KEYFILE is an MX that offers STARTTLS with that certificate and no AUTH, except while a
file OUTDIR/no-starttls exists (each session looks). It listens on 127.0.0.1, or on the address in
the environment variable RECEIVER_BIND. Prints "listening PORT" once bound. Recipients decide the
answer: a local part starting with "later" is refused 451 for its first two RCPT attempts (then
accepted), "refuse" is 550, anything else is accepted. Each accepted message is written to OUTDIR
as <n>.eml with the envelope in <n>.env; every RCPT answer is appended to OUTDIR/log, and in
starttls mode "sni NAME" for each handshake, "tls failed" for a handshake the client gave up,
and "delivered <n> tls=yes|no" for each message.
"""
import base64
import os
import socketserver
import ssl
import sys
import threading

lock = threading.Lock()
attempts = {}
counter = [0]
outdir = sys.argv[2]
relay = sys.argv[3:7] if len(sys.argv) >= 7 else None
starttls = sys.argv[4:6] if len(sys.argv) == 6 and sys.argv[3] == 'starttls' else None
tls_context = None
if relay:
    tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls_context.load_cert_chain(relay[0], relay[1])
if starttls:
    tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls_context.load_cert_chain(starttls[0], starttls[1])
    tls_context.sni_callback = lambda sock, name, ctx: log('sni %s' % name)


def log(line):
    with lock, open(os.path.join(outdir, 'log'), 'a') as f:
        f.write(line + '\n')


class Session(socketserver.StreamRequestHandler):
    def send(self, line):
        self.wfile.write((line + '\r\n').encode())
        self.wfile.flush()

    def handle(self):
        self.send('220 receiver.test ESMTP test receiver')
        mail_from, rcpts = None, []
        tls, authenticated = False, False
        offer_tls = bool(relay) or (bool(starttls) and not os.path.exists(os.path.join(outdir, 'no-starttls')))
        while True:
            raw = self.rfile.readline(4096)
            if not raw:
                return
            line = raw.decode('utf-8', 'replace').rstrip('\r\n')
            verb = line[:4].upper()
            if verb == 'STAR' and offer_tls and not tls:
                self.send('220 2.0.0 Ready to start TLS')
                try:
                    self.connection = tls_context.wrap_socket(self.connection, server_side=True)
                except (ssl.SSLError, OSError):
                    log('tls failed')
                    return
                self.rfile = self.connection.makefile('rb')
                self.wfile = self.connection.makefile('wb')
                tls = True
                continue
            if verb == 'AUTH' and relay:
                parts = line.split(' ')
                try:
                    _, user, password = base64.b64decode(parts[2]).decode().split('\0')
                except Exception:
                    user, password = None, None
                if tls and len(parts) == 3 and parts[1].upper() == 'PLAIN' and user == relay[2] and password == relay[3]:
                    authenticated = True
                    log('auth ok %s' % user)
                    self.send('235 2.7.0 Authentication successful')
                else:
                    log('auth failed %s' % user)
                    self.send('535 5.7.8 Authentication credentials invalid')
                continue
            if verb == 'MAIL' and relay and not authenticated:
                self.send('530 5.7.0 Authentication required')
                continue
            if verb == 'EHLO':
                self.send('250-receiver.test')
                if offer_tls and not tls:
                    self.send('250-STARTTLS')
                if relay and tls:
                    self.send('250-AUTH PLAIN')
                self.send('250-SIZE 10485760')
                self.send('250-8BITMIME')
                self.send('250 ENHANCEDSTATUSCODES')
            elif verb == 'HELO':
                self.send('250 receiver.test')
            elif verb == 'MAIL':
                mail_from, rcpts = line[10:].split(' ')[0], []
                self.send('250 2.1.0 OK')
            elif verb == 'RCPT':
                addr = line[8:].strip().strip('<>').split('>')[0]
                local = addr.split('@')[0]
                with lock:
                    attempts[addr] = attempts.get(addr, 0) + 1
                    n = attempts[addr]
                if local.startswith('later') and n <= 2:
                    log('451 %s attempt %d' % (addr, n))
                    self.send('451 4.7.1 Greylisted, try again later')
                elif local.startswith('refuse'):
                    log('550 %s attempt %d' % (addr, n))
                    self.send('550 5.1.1 <%s>: Recipient address rejected: User unknown' % addr)
                else:
                    log('250 %s attempt %d' % (addr, n))
                    rcpts.append(addr)
                    self.send('250 2.1.5 OK')
            elif verb == 'DATA':
                if not rcpts:
                    self.send('554 5.5.1 No valid recipients')
                    continue
                self.send('354 End data with <CR><LF>.<CR><LF>')
                data = bytearray()
                while True:
                    chunk = self.rfile.readline(1 << 20)
                    if not chunk:
                        return
                    if chunk == b'.\r\n':
                        break
                    if chunk.startswith(b'.'):
                        chunk = chunk[1:]
                    data += chunk
                with lock:
                    counter[0] += 1
                    n = counter[0]
                with open(os.path.join(outdir, '%d.eml.tmp' % n), 'wb') as f:
                    f.write(bytes(data))
                with open(os.path.join(outdir, '%d.env' % n), 'w') as f:
                    f.write(mail_from + '\n' + '\n'.join(rcpts) + '\n')
                os.rename(os.path.join(outdir, '%d.eml.tmp' % n), os.path.join(outdir, '%d.eml' % n))
                if starttls:
                    log('delivered %d tls=%s' % (n, 'yes' if tls else 'no'))
                self.send('250 2.0.0 Ok: queued as %d' % n)
            elif verb == 'RSET':
                mail_from, rcpts = None, []
                self.send('250 2.0.0 OK')
            elif verb == 'NOOP':
                self.send('250 2.0.0 OK')
            elif verb == 'QUIT':
                self.send('221 2.0.0 Bye')
                return
            else:
                self.send('502 5.5.2 Command not recognized')


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


server = Server((os.environ.get('RECEIVER_BIND', '127.0.0.1'), int(sys.argv[1])), Session)
print('listening %d' % server.server_address[1], flush=True)
server.serve_forever()
