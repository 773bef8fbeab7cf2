# Frama-C proof of heartbeat.h (proof/): Eva (no runtime error on the
# drivers' abstract inputs) and WP (the core contracts, proof/contracts.h),
# then proof/mutate.sh (known bugs injected into a copy: each must be
# flagged). `make prove` runs it alone; the `prove` step of `make test`
# runs the same, skipped without frama-c-base, why3, z3, cvc4 and ocaml-findlib
# (proof/cover.ml, the drivers' joint statement coverage).

.PHONY: prove
prove:
	@tests/need.sh frama-c why3 z3 cvc4 ocamlfind && BUILD=$(BUILD) proof/run.sh

TEST_STEPS += prove
check-prove:
	@tests/step.sh prove 'tests/need.sh frama-c why3 z3 cvc4 ocamlfind && BUILD=$(BUILD) proof/run.sh'
