# Documentation: `make docs` renders docs/design.dot to docs/design.svg
# (commit the result). Steps of `make test`:
#   schema    real messages from heartbeat.h validate against
#             docs/heartbeat.schema.json (and broken ones do not)
#   docs-svg  docs/design.svg is what `dot` makes of docs/design.dot today
#   docs-names every hb_*/HB_*/HEARTBEAT_* name the docs mention exists in
#             heartbeat.h
#   security-acl the mosquitto ACL example of docs/security.md, run in a
#             private broker on 127.0.0.1, lets only the backend read and
#             each device write only its own topic
#   docs-figures every figure in README.md and docs/ agrees with its source
#             (porting.md's sizes with hb_buf_size, README's speed and size
#             with docs/performance.md and the FOOTPRINT table, ...), README
#             quotes are verbatim in their files, and no file names a
#             document the repository does not have (tests/docs/check-figures.py)
#   ci-packages .ci/run installs every package tests/need.sh names

DOT ?= dot

docs: docs/design.svg

docs/design.svg: docs/design.dot
	@DOT='$(DOT)' tests/need.sh dot || exit 1
	$(DOT) -Tsvg docs/design.dot -o $@

$(BUILD)/docs/messages: tests/docs/messages.c $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WSTRICT) -I. -o $@ tests/docs/messages.c

TEST_STEPS += schema docs-svg docs-names security-acl
check-schema:
	@tests/step.sh schema 'tests/need.sh python3 jsonschema && \
	  $(MAKE) -s $(BUILD)/docs/messages && \
	  $(BUILD)/docs/messages > $(BUILD)/docs/messages.txt && \
	  /usr/bin/python3 tests/docs/check-schema.py $(BUILD)/docs/messages.txt'
check-docs-svg:
	@tests/step.sh docs-svg 'DOT="$(DOT)" tests/need.sh dot && \
	  DOT="$(DOT)" BUILD="$(BUILD)" tests/docs/check-svg.sh'
check-docs-names:
	@tests/step.sh docs-names 'tests/need.sh python3 && /usr/bin/python3 tests/docs/check-names.py'
check-security-acl:
	@tests/step.sh security-acl 'tests/need.sh python3 mosquitto mqtt-clients && \
	  /usr/bin/python3 tests/docs/check-acl.py'

TEST_STEPS += docs-figures ci-packages
$(BUILD)/docs/buf_size: tests/docs/buf_size.c $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WSTRICT) -I. -o $@ tests/docs/buf_size.c

check-docs-figures:
	@tests/step.sh docs-figures 'tests/need.sh python3 && $(MAKE) -s $(BUILD)/docs/buf_size && \
	  /usr/bin/python3 tests/docs/check-figures.py $(BUILD)/docs/buf_size'
check-ci-packages:
	@tests/step.sh ci-packages 'tests/check-ci-packages.sh'
