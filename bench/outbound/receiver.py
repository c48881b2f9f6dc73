"""A small real SMTP receiver for the outbound E2E tests (standard library only).

Usage: smtp_receiver.py PORT OUTDIR. Prints "listening PORT" once bound. Recipients decide the
answer: a local part starting with "later" is refused 451 for its first two RCPT attempts (then
accepted), "refuse" is 550, anything else is accepted. Each accepted message is written to OUTDIR
as <n>.eml with the envelope in <n>.env; every RCPT answer is appended to OUTDIR/log.
"""
import os
import socketserver
import sys
import threading

lock = threading.Lock()
attempts = {}
counter = [0]
outdir = sys.argv[2]


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
        while True:
            raw = self.rfile.readline(4096)
            if not raw:
                return
            line = raw.decode('utf-8', 'replace').rstrip('\r\n')
            verb = line[:4].upper()
            if verb == 'EHLO':
                self.send('250-receiver.test')
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


server = Server(('127.0.0.1', int(sys.argv[1])), Session)
print('listening %d' % server.server_address[1], flush=True)
server.serve_forever()
