#!/usr/bin/env python3
"""Writers and checker for crash-test.sh.

burst BASE WRITERS JOURNAL: one project per writer; each writes PUT/PATCH in a loop (every 4th write on purpose
with a stale If-Match, which must be refused) until the server dies, then saves what was acknowledged, refused
and left in flight. verify BASE WRITERS JOURNAL: checks every acknowledged write is stored (version and content)
and no refused one is.
"""
import json
import sys
import threading
import time
import urllib.error
import urllib.request

PASSWORD = "crash test password"


def call(base, method, path, token=None, body=None, headers=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        return error.code, None


def burst(base, writers, journal_path):
    name = "crash%d" % int(time.time())
    status, session = call(base, "POST", "/api/auth/register",
                           body={"email": name + "@example.test", "username": name, "password": PASSWORD})
    assert status == 201, status
    token = session["accessToken"]
    projects = []
    for w in range(writers):
        status, project = call(base, "POST", "/api/projects", token, {"title": "Crash %d" % w, "description": "w%d-0" % w})
        assert status == 201, status
        projects.append(project["id"])
    results = {w: {"project": projects[w], "acked": [], "refused": [], "inflight": []} for w in range(writers)}

    def write(w):
        project, version, seq = projects[w], 1, 0
        record = results[w]
        while True:
            seq += 1
            marker = "w%d-%d" % (w, seq)
            stale = seq % 4 == 3 and version > 1
            expected = version - 1 if stale else version
            if seq % 2:
                method, ctype = "PUT", "application/json"
                body = {"title": "Crash %d" % w, "description": marker, "projectData": {"seq": seq, "writer": w}}
            else:
                method, ctype = "PATCH", "application/merge-patch+json"
                body = {"description": marker, "projectData": {"seq": seq}}
            try:
                status, answer = call(base, method, "/api/projects/" + project, token, body,
                                      {"If-Match": '"%d"' % expected, "Content-Type": ctype})
            except Exception:
                record["inflight"].append(marker)
                return
            if status == 200:
                version = answer["version"]
                record["acked"].append([version, marker])
            elif status in (409, 412):
                record["refused"].append(marker)
                if not stale:
                    return  # nobody else writes this project: an unexpected conflict ends this writer
            else:
                record["refused"].append(marker)
                if status >= 500:
                    return

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(journal_path, "w") as out:
        json.dump({"token": token, "writers": results}, out)


def verify(base, writers, journal_path):
    with open(journal_path) as f:
        journal = json.load(f)
    token = journal["token"]
    acked = verified = refused = refused_found = inflight = inflight_stored = 0
    problems = []
    for w, record in journal["writers"].items():
        project = record["project"]
        status, current = call(base, "GET", "/api/projects/" + project, token)
        if status != 200:
            problems.append("project %s unreadable: %d" % (project, status))
            continue
        stored = {}
        for v in range(1, current["version"] + 1):
            status, snapshot = call(base, "GET", "/api/projects/%s/versions/%d" % (project, v), token)
            if status == 200:
                stored[v] = snapshot.get("description")
        for version, marker in record["acked"]:
            acked += 1
            if stored.get(version) == marker:
                verified += 1
            else:
                problems.append("LOST: %s version %d should be %s, is %r" % (project, version, marker, stored.get(version)))
        markers = set(stored.values())
        for marker in record["refused"]:
            refused += 1
            if marker in markers:
                refused_found += 1
                problems.append("REFUSED BUT STORED: %s %s" % (project, marker))
        for marker in record["inflight"]:
            inflight += 1
            inflight_stored += marker in markers
        last_acked = max([v for v, _ in record["acked"]], default=1)
        for v in range(last_acked + 1, current["version"] + 1):
            if stored.get(v) not in record["inflight"]:
                problems.append("UNKNOWN WRITE: %s version %d is %r" % (project, v, stored.get(v)))
    print("writers: %s" % len(journal["writers"]))
    print("acknowledged writes: %d, verified after restart: %d" % (acked, verified))
    print("refused writes: %d, found stored: %d" % (refused, refused_found))
    print("in flight at the kill (no answer): %d, of which committed: %d" % (inflight, inflight_stored))
    for problem in problems[:20]:
        print(problem)
    print("RESULT: " + ("OK" if not problems and acked > 0 and acked == verified else "FAILED (%d problems)" % len(problems)))


if __name__ == "__main__":
    mode, base, writers, journal = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    (burst if mode == "burst" else verify)(base, writers, journal)
