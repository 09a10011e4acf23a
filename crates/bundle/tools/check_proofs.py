#!/usr/bin/env python3
"""Check a rightsdoc evidence bundle (a BagIt bag) with the Python standard library only.

Usage, from inside the bag folder:   python3 tools/check_proofs.py
or from anywhere:                    python3 check_proofs.py PATH/TO/BAG

It checks:
  A. every line of manifest-sha256.txt and tagmanifest-sha256.txt, and that no file
     under data/ is left out of the manifest;
  B. that data/log/checkpoint.body is the signed text of data/log/checkpoint.txt and
     data/log/checkpoint.sig its signature by the key in data/log/verifier.key (the
     signature itself needs an Ed25519 library: use the openssl command in README.txt);
  C. for every operation in data/log/operations.jsonl: its leaf hash
     SHA-256(0x00 || header), its inclusion proof (data/log/proofs/SEQ.tlog-proof) up to
     the checkpoint's root hash (RFC 9162, section 2.1.3.2), and, where its payload is
     given, SHA-256(salt || payload) against the digest in the header;
  D. that each record in data/records.json is the payload of the last create or edit of
     its id, where that payload is given.
It stops at the first problem, naming the file and line, and exits with status 1.
"""

import base64
import hashlib
import json
import os
import sys


class Failed(Exception):
    pass


def fail(file, line, message):
    where = file if line is None else "%s line %d" % (file, line)
    raise Failed("%s: %s" % (where, message))


def sha256(data):
    return hashlib.sha256(data).digest()


def read(bag, rel):
    path = os.path.join(bag, *rel.split("/"))
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        fail(rel, None, "cannot be read (%s)" % e.strerror)


def file_sha256(bag, rel):
    h = hashlib.sha256()
    path = os.path.join(bag, *rel.split("/"))
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def check_manifest(bag, name):
    text = read(bag, name).decode("utf-8")
    if text and not text.endswith("\n"):
        fail(name, None, "the last line does not end with a newline")
    listed = set()
    for n, line in enumerate(text.split("\n")[:-1], 1):
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64 or digest.strip("0123456789abcdef"):
            fail(name, n, "not `<sha256>  <path>`")
        actual = file_sha256(bag, rel)
        if actual is None:
            fail(name, n, "%s is listed but missing" % rel)
        if actual != digest:
            fail(name, n, "%s has SHA-256 %s, the manifest says %s" % (rel, actual, digest))
        listed.add(rel)
    return listed


def check_files(bag):
    payload = check_manifest(bag, "manifest-sha256.txt")
    check_manifest(bag, "tagmanifest-sha256.txt")
    for root, _dirs, files in os.walk(os.path.join(bag, "data")):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), bag).replace(os.sep, "/")
            if rel not in payload:
                fail(rel, None, "is in the bag but not in manifest-sha256.txt")
    return len(payload)


def parse_checkpoint(bag):
    text = read(bag, "data/log/checkpoint.txt").decode("utf-8")
    body, sep, sigs = text.partition("\n\n")
    if not sep:
        fail("data/log/checkpoint.txt", None, "no blank line before the signature")
    body += "\n"
    lines = body.split("\n")
    if len(lines) < 4:
        fail("data/log/checkpoint.txt", None, "expected origin, size and root hash")
    origin, size, root64 = lines[0], lines[1], lines[2]
    if not size.isdigit():
        fail("data/log/checkpoint.txt", 2, "the size is not a number")
    root = base64.b64decode(root64, validate=True)
    if len(root) != 32:
        fail("data/log/checkpoint.txt", 3, "the root hash is not 32 bytes")
    if read(bag, "data/log/checkpoint.body") != body.encode("utf-8"):
        fail("data/log/checkpoint.body", None, "is not the signed text of checkpoint.txt")
    key = read(bag, "data/log/verifier.key").decode("utf-8").strip()
    name, _, rest = key.partition("+")
    hint, _, key64 = rest.partition("+")
    if name != origin:
        fail("data/log/verifier.key", 1, "names `%s`, the checkpoint is of `%s`" % (name, origin))
    sig = read(bag, "data/log/checkpoint.sig")
    found = False
    for line in sigs.rstrip("\n").split("\n"):
        prefix = "\u2014 %s " % name
        if line.startswith(prefix):
            raw = base64.b64decode(line[len(prefix):], validate=True)
            if raw[:4].hex() == hint and raw[4:] == sig:
                found = True
    if not found:
        fail("data/log/checkpoint.sig", None,
             "is not the signature in checkpoint.txt by the key in verifier.key")
    return text, int(size), root


def root_from_proof(index, size, leaf, proof):
    """RFC 9162, section 2.1.3.2: the root an inclusion proof leads to, or None."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = sha256(b"\x01" + p + r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = sha256(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def check_proof(bag, seq, leaf, checkpoint, size, root):
    rel = "data/log/proofs/%d.tlog-proof" % seq
    text = read(bag, rel).decode("utf-8")
    head, sep, cp = text.partition("\n\n")
    if not sep:
        fail(rel, None, "no blank line before the checkpoint")
    if cp != checkpoint:
        fail(rel, None, "its checkpoint differs from data/log/checkpoint.txt")
    lines = head.split("\n")
    if lines[0] != "c2sp.org/tlog-proof@v1":
        fail(rel, 1, "not a c2sp.org/tlog-proof@v1 proof")
    i = 1
    if i < len(lines) and lines[i].startswith("extra "):
        i += 1
    if i >= len(lines) or lines[i] != "index %d" % seq:
        fail(rel, i + 1, "expected `index %d`" % seq)
    proof = []
    for n in range(i + 1, len(lines)):
        h = base64.b64decode(lines[n], validate=True)
        if len(h) != 32:
            fail(rel, n + 1, "not a 32-byte hash")
        proof.append(h)
    if root_from_proof(seq, size, leaf, proof) != root:
        fail(rel, None, "the proof does not lead from the leaf of operation %d to the "
                        "checkpoint's root hash" % seq)


def check_operations(bag, checkpoint, size, root):
    rel = "data/log/operations.jsonl"
    text = read(bag, rel).decode("utf-8")
    latest = {}
    count = shown = 0
    for n, line in enumerate(text.split("\n")[:-1], 1):
        try:
            op = json.loads(line)
            header_text = op["header"]
            header = json.loads(header_text)
            seq = op["seq"]
        except (ValueError, KeyError, TypeError):
            fail(rel, n, "not an operation line")
        if header.get("seq") != seq:
            fail(rel, n, "the header is of operation %r, the line says %r" % (header.get("seq"), seq))
        leaf = sha256(b"\x00" + header_text.encode("utf-8"))
        if leaf.hex() != op.get("leaf"):
            fail(rel, n, "the leaf hash of the header is %s, the line says %s" % (leaf.hex(), op.get("leaf")))
        if seq >= size:
            fail(rel, n, "operation %d is beyond the checkpoint (%d operations)" % (seq, size))
        check_proof(bag, seq, leaf, checkpoint, size, root)
        if "payload" in op:
            salt = bytes.fromhex(op["salt"])
            digest = sha256(salt + op["payload"].encode("utf-8")).hex()
            if digest != header["payload"]:
                fail(rel, n, "the payload does not match the digest in its header")
            shown += 1
        if header["action"] in ("create", "edit"):
            latest[header["target"]] = op.get("payload")
        count += 1
    return latest, count, shown


def check_records(bag, latest):
    rel = "data/records.json"
    lines = read(bag, rel).decode("utf-8").split("\n")
    if lines[0] != "[" or lines[-1] != "" or lines[-2] != "]":
        fail(rel, None, "not a JSON list with one record per line")
    proven = 0
    evidence = {}
    for n in range(2, len(lines) - 1):
        text = lines[n - 1]
        if text.endswith(","):
            text = text[:-1]
        try:
            record = json.loads(text)
            rid = record["id"]
        except (ValueError, KeyError, TypeError):
            fail(rel, n, "not a record")
        if rid.startswith("evd_") and isinstance(record.get("sha256"), str):
            evidence[record["sha256"]] = (rid, payload_given(latest, rid))
        if rid not in latest:
            fail(rel, n, "no create or edit of %s in data/log/operations.jsonl" % rid)
        payload = latest[rid]
        if payload is not None:
            if payload != text:
                fail(rel, n, "%s differs from the payload of its last operation" % rid)
            proven += 1
    folder = os.path.join(bag, "data", "evidence")
    files = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    for name in files:
        frel = "data/evidence/" + name
        if file_sha256(bag, frel) != name:
            fail(frel, None, "its content does not have the SHA-256 it is named by")
        if name not in evidence:
            fail(frel, None, "no evidence record in data/records.json names this file")
    return len(lines) - 3, proven, len(files)


def payload_given(latest, rid):
    return latest.get(rid) is not None


def main():
    bag = sys.argv[1] if len(sys.argv) > 1 else "."
    if not os.path.exists(os.path.join(bag, "bagit.txt")):
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        if os.path.exists(os.path.join(here, "bagit.txt")):
            bag = here
    try:
        files = check_files(bag)
        print("A. %d data files match manifest-sha256.txt; tag files match tagmanifest-sha256.txt" % files)
        checkpoint, size, root = parse_checkpoint(bag)
        print("B. checkpoint.body and checkpoint.sig agree with checkpoint.txt and verifier.key "
              "(check the signature itself with the openssl command in README.txt)")
        latest, count, shown = check_operations(bag, checkpoint, size, root)
        print("C. %d operations: every leaf recomputed, every proof leads to the root %s of the "
              "first %d operations; %d payloads match their digests" % (count, root.hex(), size, shown))
        records, proven, files = check_records(bag, latest)
        print("D. %d records, of which %d are exactly the payload of their last operation "
              "(the others are shown as the clearance allows and cannot be checked); "
              "%d evidence files match their names and records" % (records, proven, files))
    except Failed as e:
        print("FAILED: %s" % e)
        return 1
    except (ValueError, UnicodeDecodeError) as e:
        print("FAILED: %s" % e)
        return 1
    print("ALL CHECKS PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
