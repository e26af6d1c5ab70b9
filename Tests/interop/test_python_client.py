#!/usr/bin/env python3
"""Drives `pouch serve` with python-couchdb, a CouchDB client written by others.

Usage: test_python_client.py URL   (URL with admin credentials, e.g.
http://admin:admin@127.0.0.1:PORT). Prints `N passed, M failed`; exit 0 only
when every check passes. Expected values are CouchDB's documented behaviour.
"""
import sys
import traceback
import uuid

import couchdb

CHECKS = []


def check(function):
    CHECKS.append(function)
    return function


def new_db(server):
    name = "interop_" + uuid.uuid4().hex[:12]
    return server.create(name)


@check
def create_and_delete_database(server):
    db = new_db(server)
    assert db.name in server
    info = db.info()
    assert info["db_name"] == db.name
    assert info["doc_count"] == 0
    del server[db.name]
    assert db.name not in server


@check
def save_update_delete_document(server):
    db = new_db(server)
    try:
        doc_id, rev1 = db.save({"_id": "alice", "age": 31})
        assert doc_id == "alice"
        assert rev1.startswith("1-")
        doc = db["alice"]
        assert doc["age"] == 31 and doc.rev == rev1
        doc["age"] = 32
        _, rev2 = db.save(doc)
        assert rev2.startswith("2-")
        assert db["alice"]["age"] == 32
        # A stale revision is a conflict (409).
        stale = {"_id": "alice", "_rev": rev1, "age": 99}
        try:
            db.save(stale)
            raise AssertionError("saving a stale revision succeeded")
        except couchdb.http.ResourceConflict:
            pass
        db.delete(db["alice"])
        assert db.get("alice") is None
        try:
            db["alice"]
            raise AssertionError("a deleted document was returned")
        except couchdb.http.ResourceNotFound:
            pass
    finally:
        del server[db.name]


@check
def post_generates_id(server):
    db = new_db(server)
    try:
        doc_id, rev = db.save({"kind": "generated"})
        assert len(doc_id) > 0 and rev.startswith("1-")
        assert db[doc_id]["kind"] == "generated"
    finally:
        del server[db.name]


@check
def bulk_update_and_all_docs(server):
    db = new_db(server)
    try:
        docs = [{"_id": "d%02d" % i, "n": i} for i in range(10)]
        results = db.update(docs)
        assert all(ok for ok, _, _ in results)
        assert db.info()["doc_count"] == 10
        rows = list(db.view("_all_docs"))
        assert [row.id for row in rows] == ["d%02d" % i for i in range(10)]
        rows = list(db.view("_all_docs", include_docs=True, startkey="d03",
                            endkey="d05"))
        assert [row.doc["n"] for row in rows] == [3, 4, 5]
        rows = list(db.view("_all_docs", keys=["d07", "d01"]))
        assert [row.id for row in rows] == ["d07", "d01"]
        assert len(list(db)) == 10
    finally:
        del server[db.name]


@check
def changes_feed(server):
    db = new_db(server)
    try:
        db.save({"_id": "a"})
        db.save({"_id": "b"})
        _, rev = db.save({"_id": "c"})
        db.delete({"_id": "c", "_rev": rev})
        feed = db.changes()
        ids = [change["id"] for change in feed["results"]]
        assert sorted(ids) == ["a", "b", "c"]
        deleted = [c["id"] for c in feed["results"] if c.get("deleted")]
        assert deleted == ["c"]
        assert "last_seq" in feed
        since = db.changes(since=feed["last_seq"])
        assert since["results"] == []
        db.save({"_id": "d"})
        later = db.changes(since=feed["last_seq"], include_docs=True)
        assert [c["id"] for c in later["results"]] == ["d"]
        assert later["results"][0]["doc"]["_id"] == "d"
    finally:
        del server[db.name]


@check
def attachments(server):
    db = new_db(server)
    try:
        db.save({"_id": "note", "title": "with attachment"})
        doc = db["note"]
        content = b"hello, attachment\n" * 100
        db.put_attachment(doc, content, filename="hello.txt",
                          content_type="text/plain")
        doc = db["note"]
        assert doc.rev.startswith("2-")
        stub = doc["_attachments"]["hello.txt"]
        assert stub["stub"] is True
        assert stub["length"] == len(content)
        assert stub["content_type"] == "text/plain"
        fetched = db.get_attachment(doc, "hello.txt")
        assert fetched.read() == content
        binary = bytes(range(256))
        db.put_attachment(doc, binary, filename="bytes.bin",
                          content_type="application/octet-stream")
        doc = db["note"]
        assert db.get_attachment(doc, "bytes.bin").read() == binary
        db.delete_attachment(doc, "hello.txt")
        doc = db["note"]
        assert list(doc["_attachments"]) == ["bytes.bin"]
        assert db.get_attachment(doc, "hello.txt") is None
    finally:
        del server[db.name]


@check
def find_query(server):
    db = new_db(server)
    try:
        db.update([{"_id": "p%d" % i, "age": i * 10} for i in range(5)])
        found = list(db.find({"selector": {"age": {"$gte": 25}},
                              "fields": ["_id"]}))
        assert sorted(doc["_id"] for doc in found) == ["p3", "p4"]
    finally:
        del server[db.name]


def main():
    if len(sys.argv) != 2:
        print("usage: test_python_client.py URL", file=sys.stderr)
        return 2
    server = couchdb.Server(sys.argv[1])
    passed = failed = 0
    for function in CHECKS:
        try:
            function(server)
            passed += 1
            print("PASS " + function.__name__)
        except Exception:
            failed += 1
            print("FAIL " + function.__name__)
            traceback.print_exc()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
