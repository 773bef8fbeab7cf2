#!/usr/bin/python3
# proof/gen_signed.py - the signed beats of proof/eva_misc.c case 5 (misc-signed),
# printed as C: heartbeat.h's header (typ hb+jwt), claims in its format,
# signatures of the right length whose bytes are not a real signature (the
# driver's verify callback accepts them). Paste its output over the strings
# there when a case changes.
import base64, json
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
def hdr(alg='HS256', kid='k1'): return b64(('{"alg":"%s","typ":"hb+jwt","kid":"%s"}' % (alg, kid)).encode())
def sig(n): return b64(bytes(range(7, 7 + n)))
def A(claims, alg='HS256', kid='k1', sn=None):
    if sn is None: sn = 64 if alg == 'ES256' else 32
    return hdr(alg, kid) + '.' + b64(claims.encode()) + '.' + sig(sn)
def B(alg='HS256', kid='k1'):
    return hdr(alg, kid) + '..' + sig(64 if alg == 'ES256' else 32)
out = {}
out['a1'] = A('{"device_id":"dev-1","seq":1,"boot_id":"b1","exp":99999999999}')
out['a2'] = A('{"device_id":"dev-1","seq":2,"boot_id":"b2"}')
out['a3'] = A('{"device_id":"dev-1","seq":3,"boot_id":"b1"}')
out['aexp'] = A('{"device_id":"dev-1","seq":4,"boot_id":"b2","exp":1000}')
out['alg'] = A('{"device_id":"dev-1","seq":5,"boot_id":"b2"}', alg='RS256')
out['kid'] = A('{"device_id":"dev-1","seq":5,"boot_id":"b2"}', kid='k 1')
out['sig'] = A('{"device_id":"dev-1","seq":5,"boot_id":"b2"}', sn=31)
out['sig65'] = A('{"device_id":"dev-1","seq":5,"boot_id":"b2"}', sn=65)
out['nob64'] = hdr() + '.e30*.' + sig(32)
out['noseq'] = A('{"device_id":"dev-1","boot_id":"b2"}')
out['a4'] = A('{"device_id":"dev-1","seq":6,"boot_id":"b2","exp":-5}')
out['a5'] = A('{"device_id":"dev-1","\\u0065xp":1,"seq":7,"boot_id":"b2","exp":1.5}')
out['a6'] = A('{"device_id":"dev-1","seq":8,"boot_id":"b2","exp":9223372036854775808}')
out['bclaims'] = '{"device_id":"dev-2","seq":1,"boot_id":"c123"}'
assert len(out['bclaims']) % 3 == 1, len(out['bclaims'])
out['bjws'] = B('ES256')
out['bbad'] = '{"device_id":'
for k, v in out.items():
    # C string literals of at most 64 characters of text per line
    parts = [json.dumps(v[i:i + 64]) for i in range(0, len(v), 64)] or ['""']
    print('static const char pv_%s[] =\n    %s;' % (k, '\n    '.join(parts)))
