"""Submission load for bench/outbound/run: CONCURRENCY clients, each signed in once on 587
(STARTTLS, AUTH PLAIN) and sending its share of MESSAGES to a remote recipient.

Usage: load.py PORT LOGIN PASSWORD RCPT MESSAGES CONCURRENCY SIZE DONE_DIR TIMEOUT
Prints RESULT submitted=N errors=E submit_seconds=S e2e_seconds=T submit_rate=R e2e_rate=Q, where
e2e is from the first connection until DONE_DIR holds MESSAGES accepted messages (*.eml).
"""
import os
import smtplib
import ssl
import sys
import threading
import time

port, login, password, rcpt = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
messages, concurrency, size = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
done_dir, timeout = sys.argv[8], float(sys.argv[9])

body_line = ('x' * 76 + '\r\n').encode()
body = body_line * max(1, size // len(body_line))
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
lock = threading.Lock()
ok, errors = [0], [0]


def client(n, share):
    try:
        s = smtplib.SMTP('127.0.0.1', port, local_hostname='bench-client.example', timeout=120)
        s.starttls(context=ctx)
        s.login(login, password)
        for i in range(share):
            msg = ('From: %s\r\nTo: %s\r\nSubject: bench %d-%d\r\nMessage-ID: <bench-%d-%d@bench.example>\r\n\r\n'
                   % (login, rcpt, n, i, n, i)).encode() + body
            try:
                s.sendmail(login, [rcpt], msg)
                with lock:
                    ok[0] += 1
            except smtplib.SMTPException as e:
                with lock:
                    errors[0] += 1
                print('error', e, file=sys.stderr)
        s.quit()
    except Exception as e:  # a whole client failed: count what it did not send
        with lock:
            errors[0] += 1
        print('client error', repr(e), file=sys.stderr)


shares = [messages // concurrency + (1 if i < messages % concurrency else 0) for i in range(concurrency)]
start = time.monotonic()
threads = [threading.Thread(target=client, args=(i, shares[i])) for i in range(concurrency)]
for t in threads:
    t.start()
for t in threads:
    t.join()
submitted = time.monotonic() - start


def accepted():
    return sum(1 for f in os.listdir(done_dir) if f.endswith('.eml'))


while accepted() < ok[0] and time.monotonic() - start < timeout:
    time.sleep(0.05)
e2e = time.monotonic() - start
got = accepted()
print('RESULT submitted=%d errors=%d accepted=%d submit_seconds=%.2f e2e_seconds=%.2f submit_rate=%.1f e2e_rate=%.1f'
      % (ok[0], errors[0], got, submitted, e2e, ok[0] / submitted if submitted else 0, got / e2e if e2e else 0))
