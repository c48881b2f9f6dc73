"""A small recursive-resolver stand-in for the DANE E2E tests (dnspython): answers from a JSON
zone file and sets the AD bit as a DNSSEC-validating resolver would, record set by record set.

Usage: dnssec_dns.py ZONEFILE QUERYLOG. Listens on 127.0.0.1 (UDP, a free port) and prints
"listening PORT" once bound. The zone file is read again for every query, so a test can change
the records while the server runs. Its form:

  {"records": [["mx.good.test", "MX", "10 mx.good.test.", true], ...],
   "servfail": [["_25._tcp.mx.broken.test", "TLSA"]],
   "denial_secure": true}

Each record is name, type, rdata (presentation format) and whether it counts as validated. An
answer carries AD when every record in it is validated; NODATA when every record at the name is;
NXDOMAIN when denial_secure is (default true). As real resolvers do (RFC 6840 §5.7, RFC 3225),
AD is set only for a query that sets AD or DO. Each query is appended to QUERYLOG as
"name type ad=0|1 do=0|1".
"""
import json
import socket
import sys

import dns.flags
import dns.message
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

zone_file, query_log = sys.argv[1], sys.argv[2]


def answer(query):
    with open(zone_file) as f:
        zone = json.load(f)
    response = dns.message.make_response(query)
    response.flags |= dns.flags.RA
    question = query.question[0]
    name = question.name.to_text().rstrip('.').lower()
    qtype = dns.rdatatype.to_text(question.rdtype)
    wants_ad = bool(query.flags & dns.flags.AD) or bool(query.ednsflags & dns.flags.DO)
    with open(query_log, 'a') as f:
        f.write('%s %s ad=%d do=%d\n' % (name, qtype, 1 if query.flags & dns.flags.AD else 0,
                                         1 if query.ednsflags & dns.flags.DO else 0))
    if [name, qtype] in zone.get('servfail', []):
        response.set_rcode(dns.rcode.SERVFAIL)
        return response
    at_name = [r for r in zone['records'] if r[0].lower() == name]
    matching = [r for r in at_name if r[1] == qtype]
    if matching:
        rrset = dns.rrset.RRset(question.name, dns.rdataclass.IN, question.rdtype)
        for r in matching:
            # TTL 0, as the tests' dnsmasq answers: Postern's DNS cache keeps nothing, so a test that
            # fixes a record sees the fix at the next attempt.
            rrset.add(dns.rdata.from_text(dns.rdataclass.IN, question.rdtype, r[2]), 0)
        response.answer.append(rrset)
        secure = all(r[3] for r in matching)
    elif at_name:
        secure = all(r[3] for r in at_name)
    else:
        response.set_rcode(dns.rcode.NXDOMAIN)
        secure = zone.get('denial_secure', True)
    if secure and wants_ad:
        response.flags |= dns.flags.AD
    return response


sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('127.0.0.1', 0))
print('listening %d' % sock.getsockname()[1], flush=True)
while True:
    data, peer = sock.recvfrom(4096)
    try:
        query = dns.message.from_wire(data)
        response = answer(query)
        wire = response.to_wire(max_size=query.payload if query.edns >= 0 else 512)
    except dns.exception.TooBig:
        response = dns.message.make_response(query)
        response.flags |= dns.flags.TC
        wire = response.to_wire()
    except Exception as e:  # a malformed query or zone: answer SERVFAIL when we can, never die
        sys.stderr.write('dnssec_dns: %r\n' % e)
        try:
            response = dns.message.make_response(dns.message.from_wire(data))
            response.set_rcode(dns.rcode.SERVFAIL)
            wire = response.to_wire()
        except Exception:
            continue
    sock.sendto(wire, peer)
