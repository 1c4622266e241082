# Thin wrappers for people who type `make`; nox does the work.
.PHONY: setup-env build test demo bench clean

setup-env:
	python3 -m pip install --upgrade nox uv

build:
	nox -s build

test:
	nox -s tests

demo:
	nox -s demo

bench:
	nox -s bench

clean:
	rm -rf .nox build dist packages/*/build packages/*/dist
