#!/usr/bin/env bash
# Writes test/fixtures/legacy/*.json: password hashes made by the tools the
# monolith's world uses, with their known passwords, so the tests prove that
# hashes from other implementations import and log in. The output is committed
# (salts are random, so re-running changes every hash; the tests do not care).
#
# Needs Debian's python3-bcrypt, python3-argon2 (argon2-cffi), apache2-utils
# (htpasswd), argon2 (the reference CLI) and libcrypt-argon2-perl:
#   apt-get install -y python3-bcrypt python3-argon2 apache2-utils argon2 libcrypt-argon2-perl
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/legacy
mkdir -p "$out"
for tool in htpasswd argon2 perl; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
# The system interpreter: python3-bcrypt is a Debian package.
PY=/usr/bin/python3
"$PY" -c 'import bcrypt' || { echo "missing python3-bcrypt" >&2; exit 1; }
"$PY" -c 'import argon2' || { echo "missing python3-argon2" >&2; exit 1; }
perl -MCrypt::Argon2 -e 1 || { echo "missing libcrypt-argon2-perl" >&2; exit 1; }

OUT="$out" "$PY" - <<'PYTHON'
import base64, hashlib, json, os, secrets, string, subprocess, unicodedata
import argon2
import bcrypt

out = os.environ["OUT"]
ALNUM = string.ascii_letters + string.digits

def salt22():
    # Django's PBKDF2PasswordHasher.salt(): get_random_string over [a-zA-Z0-9].
    return "".join(secrets.choice(ALNUM) for _ in range(22))

def django_pbkdf2(password, iterations, salt, algorithm="sha256"):
    # django.contrib.auth.hashers.PBKDF2PasswordHasher.encode
    digest = hashlib.pbkdf2_hmac(algorithm, password.encode(), salt.encode(), iterations)
    return "pbkdf2_%s$%d$%s$%s" % (algorithm, iterations, salt, base64.b64encode(digest).decode().strip())

def django_bcrypt_sha256(password, rounds):
    # django.contrib.auth.hashers.BCryptSHA256PasswordHasher.encode
    hexed = hashlib.sha256(password.encode()).hexdigest().encode()
    return "bcrypt_sha256$" + bcrypt.hashpw(hexed, bcrypt.gensalt(rounds)).decode()

def htpasswd_bcrypt(password, cost):
    line = subprocess.run(["htpasswd", "-nbB", "-C", str(cost), "u", password],
                          check=True, capture_output=True, text=True).stdout.strip()
    return line.split(":", 1)[1]

def argon2_cli(password, *args):
    salt = secrets.token_hex(8)  # 16 characters, used as the salt bytes
    return subprocess.run(["argon2", salt, *args, "-e"], input=password.encode(),
                          check=True, capture_output=True).stdout.decode().strip()

def argon2_cffi(password, **params):
    # argon2-cffi's PasswordHasher; Debian's 21.1.0 makes 16-byte tags by default.
    return argon2.PasswordHasher(**params).hash(password)

def perl_argon2(password, t, m, p, tag_bytes):
    # Crypt::Argon2::argon2id_pass(password, salt, t_cost, m_factor, parallelism, tag_size)
    script = "print Crypt::Argon2::argon2id_pass($ARGV[0], $ARGV[1], @ARGV[2..5])"
    return subprocess.run(["perl", "-MCrypt::Argon2", "-e", script, password, secrets.token_hex(8),
                           str(t), m, str(p), str(tag_bytes)],
                          check=True, capture_output=True, text=True).stdout.strip()

long_split = "a" * 71 + "é" + " and more"  # byte 72 is the first byte of é (C3 A9)
fullwidth = "Ｆｕｌｌｗｉｄｔｈ ﬁne password"  # NFKC: "Fullwidth fine password"
long_ascii = "x" * 80 + "-end"

users = [
    {"name": "python bcrypt $2b$ cost 10", "tool": "python3-bcrypt", "scheme": "bcrypt",
     "password": "Tr0ub4dor&3 horse",
     "password_hash": bcrypt.hashpw(b"Tr0ub4dor&3 horse", bcrypt.gensalt(10)).decode()},
    {"name": "python bcrypt $2a$ cost 4", "tool": "python3-bcrypt", "scheme": "bcrypt",
     "password": "short pw",
     "password_hash": bcrypt.hashpw(b"short pw", bcrypt.gensalt(4, prefix=b"2a")).decode()},
    {"name": "htpasswd -B $2y$ cost 5, UTF-8 password", "tool": "htpasswd", "scheme": "bcrypt",
     "password": "pässwörd mit Ümlaut",
     "password_hash": htpasswd_bcrypt("pässwörd mit Ümlaut", 5)},
    {"name": "python bcrypt, 72-byte truncation splitting a character", "tool": "python3-bcrypt",
     "scheme": "bcrypt", "password": long_split,
     "password_hash": bcrypt.hashpw(long_split.encode(), bcrypt.gensalt(5)).decode(),
     # è is C3 A8: same first byte, so the monolith accepted it; so must we.
     "also_accepts": ["a" * 71 + "è" + " whatever"],
     "rejects": ["a" * 70 + "b" + "é" + " and more"]},
    {"name": "Django pbkdf2_sha256 600000 iterations, non-NFKC password", "tool": "python3 hashlib",
     "scheme": "pbkdf2_sha256", "password": fullwidth,
     "password_hash": django_pbkdf2(fullwidth, 600000, salt22()),
     # The monolith compared the password as typed: the NFKC form is another password.
     "rejects": [unicodedata.normalize("NFKC", fullwidth)],
     "nfkc": unicodedata.normalize("NFKC", fullwidth)},
    {"name": "Django pbkdf2_sha256 100000 iterations", "tool": "python3 hashlib",
     "scheme": "pbkdf2_sha256", "password": "correct horse battery staple",
     "password_hash": django_pbkdf2("correct horse battery staple", 100000, salt22())},
    {"name": "pbkdf2_sha256 with the salt in its own column", "tool": "python3 hashlib",
     "scheme": "pbkdf2_sha256", "password": "separate salt password",
     "password_salt": "legacySaltColumn01",
     "password_hash": django_pbkdf2("separate salt password", 30000, "legacySaltColumn01")
         .replace("$legacySaltColumn01$", "$$")},
    {"name": "Django bcrypt_sha256, password over 72 bytes", "tool": "python3-bcrypt + hashlib",
     "scheme": "bcrypt_sha256", "password": long_ascii,
     "password_hash": django_bcrypt_sha256(long_ascii, 10),
     # SHA-256 first: the whole password counts, unlike plain bcrypt.
     "rejects": ["x" * 80 + "-END"]},
    {"name": "Django bcrypt$ (BCryptPasswordHasher)", "tool": "python3-bcrypt", "scheme": "bcrypt",
     "password": "django plain bcrypt",
     "password_hash": "bcrypt$" + bcrypt.hashpw(b"django plain bcrypt", bcrypt.gensalt(5)).decode()},
    {"name": "argon2 reference CLI, argon2id m=19456 t=2 p=1", "tool": "argon2",
     "scheme": "argon2id_imported", "password": "reference cli password",
     "password_hash": argon2_cli("reference cli password", "-id", "-t", "2", "-k", "19456", "-p", "1")},
    {"name": "argon2 reference CLI, argon2id m=8192 t=1 p=2", "tool": "argon2",
     "scheme": "argon2id_imported", "password": "cheaper cli password",
     "password_hash": argon2_cli("cheaper cli password", "-id", "-t", "1", "-k", "8192", "-p", "2")},
    {"name": "argon2-cffi (Debian python3-argon2) m=65536 t=3 p=4, its default 16-byte tag",
     "tool": "python3-argon2", "scheme": "argon2id_imported", "password": "argon2 cffi password",
     "password_hash": argon2_cffi("argon2 cffi password", memory_cost=65536, time_cost=3, parallelism=4)},
    {"name": "argon2 reference CLI -l 16 (16-byte tag)", "tool": "argon2",
     "scheme": "argon2id_imported", "password": "sixteen byte tag password",
     "password_hash": argon2_cli("sixteen byte tag password", "-id", "-t", "2", "-k", "19456", "-p", "1", "-l", "16")},
    {"name": "argon2 reference CLI -l 64 (64-byte tag)", "tool": "argon2",
     "scheme": "argon2id_imported", "password": "sixty-four byte tag password",
     "password_hash": argon2_cli("sixty-four byte tag password", "-id", "-t", "2", "-k", "19456", "-p", "1", "-l", "64")},
    {"name": "Perl Crypt::Argon2 argon2id_pass m=32M t=2 p=2, 16-byte tag", "tool": "libcrypt-argon2-perl",
     "scheme": "argon2id_imported", "password": "perl crypt argon2 password",
     "password_hash": perl_argon2("perl crypt argon2 password", 2, "32M", 2, 16)},
    {"name": "Django argon2$ (Argon2PasswordHasher format)", "tool": "argon2",
     "scheme": "argon2id_imported", "password": "django argon2 password",
     "password_hash": "argon2" + argon2_cli("django argon2 password", "-id", "-t", "2", "-k", "19456", "-p", "1")},
]

# The claims about bcrypt's 72 bytes are the monolith's: check them with its library.
for u in users:
    h = u["password_hash"].encode()
    if h.startswith(b"$2"):
        assert bcrypt.checkpw(u["password"].encode(), h)
        assert all(bcrypt.checkpw(p.encode(), h) for p in u.get("also_accepts", []))
        assert not any(bcrypt.checkpw(p.encode(), h) for p in u.get("rejects", []))

a2 = bcrypt.hashpw(b"x", bcrypt.gensalt(4, prefix=b"2a")).decode()
rejected = [
    {"name": "$2x$ (crypt_blowfish's buggy variant)", "reason": "unsupported_scheme",
     "password_hash": "$2x$" + a2[4:]},
    {"name": "bcrypt cost 14", "reason": "work_factor_out_of_bounds",
     "password_hash": bcrypt.hashpw(b"x", bcrypt.gensalt(14)).decode()},
    {"name": "pbkdf2_sha256 2,000,001 iterations", "reason": "work_factor_out_of_bounds",
     "password_hash": django_pbkdf2("x", 2000001, salt22())},
    {"name": "argon2id m=131072 (over the 64 MiB bound)", "reason": "work_factor_out_of_bounds",
     "password_hash": argon2_cli("x", "-id", "-t", "1", "-k", "131072", "-p", "1")},
    {"name": "argon2-cffi defaults (Debian 21.1.0: m=102400, over the 64 MiB bound)",
     "reason": "work_factor_out_of_bounds", "password_hash": argon2_cffi("x")},
    {"name": "argon2id with an 8-byte tag (reference CLI -l 8)", "reason": "hash_length_out_of_bounds",
     "password_hash": argon2_cli("x", "-id", "-t", "1", "-k", "8192", "-p", "1", "-l", "8")},
    {"name": "argon2id with a 65-byte tag (reference CLI -l 65)", "reason": "hash_length_out_of_bounds",
     "password_hash": argon2_cli("x", "-id", "-t", "1", "-k", "8192", "-p", "1", "-l", "65")},
    {"name": "argon2i", "reason": "unsupported_scheme",
     "password_hash": argon2_cli("x", "-i", "-t", "2", "-k", "8192", "-p", "1")},
    {"name": "argon2id version 1.0 (v=16)", "reason": "unsupported_scheme",
     "password_hash": argon2_cli("x", "-id", "-t", "2", "-k", "8192", "-p", "1", "-v", "10")},
    {"name": "Django pbkdf2_sha1", "reason": "unsupported_scheme",
     "password_hash": django_pbkdf2("x", 260000, salt22(), "sha1")},
    {"name": "Django md5", "reason": "unsupported_scheme",
     "password_hash": "md5$%s$%s" % ("abc", hashlib.md5(b"abcx").hexdigest())},
    {"name": "Django unusable password", "reason": "unsupported_scheme",
     "password_hash": "!" + "".join(secrets.choice(ALNUM) for _ in range(40))},
    {"name": "truncated bcrypt", "reason": "malformed_hash", "password_hash": a2[:-1]},
    {"name": "separate salt for a hash that embeds one", "reason": "salt_not_applicable",
     "password_hash": django_pbkdf2("x", 1000, salt22()), "password_salt": "extra"},
    {"name": "pbkdf2_sha256 without any salt", "reason": "salt_missing",
     "password_hash": django_pbkdf2("x", 1000, "s").replace("$s$", "$$")},
]

# Django session keys: get_random_string(32, lowercase + digits); we only ever see their SHA-256.
sessions = []
for _ in range(3):
    key = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(32))
    sessions.append({"session_key": key, "session_key_sha256": hashlib.sha256(key.encode()).hexdigest()})

for name, data in (("users", users), ("rejected", rejected), ("sessions", sessions)):
    with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.write("\n")
print("wrote %d users, %d rejected, %d sessions to %s" % (len(users), len(rejected), len(sessions), out))
PYTHON
