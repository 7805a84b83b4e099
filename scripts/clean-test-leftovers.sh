#!/usr/bin/env bash
# Removes what an interrupted test run left on the test daemon: containers carrying a
# `wharf.test` label, and volumes and networks named `wharf-test-*`. A run killed
# mid-way (CI's timeout, Ctrl-C) skips the tests' own cleanup, and a leftover `redis`
# on port 1234 would fail the next run's preset test for a reason that is not a bug.
# Only the test bed's own objects are touched: they all carry that label or prefix.
set -euo pipefail

mapfile -t containers < <(docker ps -aq --filter label=wharf.test)
if ((${#containers[@]})); then
    echo "removing ${#containers[@]} leftover test container(s)"
    docker rm -f "${containers[@]}" >/dev/null
fi
mapfile -t volumes < <(docker volume ls -q --filter name=wharf-test- | grep '^wharf-test-' || true)
if ((${#volumes[@]})); then
    echo "removing ${#volumes[@]} leftover test volume(s)"
    docker volume rm "${volumes[@]}" >/dev/null || true
fi
mapfile -t networks < <(docker network ls --format '{{.Name}}' --filter name=wharf-test- | grep '^wharf-test-' || true)
if ((${#networks[@]})); then
    echo "removing ${#networks[@]} leftover test network(s)"
    docker network rm "${networks[@]}" >/dev/null || true
fi
