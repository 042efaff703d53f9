# AMIS Jury. `make run` opens the app; `make test` runs every test.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin

VERSION := $(shell sed -n 's/^ *Version = "\(.*\)"/\1/p' FyneApp.toml)
COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

.PHONY: all deps build run test bench package clean

all: build

deps: ## install the Debian packages the build and the tests need
	@scripts/deps.sh

build: deps ## build ./amis
	go build -ldflags "$(LDFLAGS)" -o amis ./cmd/amis

run: build ## open the app on the default database (ARGS=--demo adds demo data)
	./amis $(ARGS)

test: deps ## gofmt, vet, go test -race, smoke test under Xvfb
	scripts/test.sh

bench: build ## benchmarks (see bench/README.md)
	bench/run.sh

package: ## dist/: the Linux package (fyne package, .tar.xz) and the Windows .exe (MinGW-w64); CI runs it after test
	@scripts/deps.sh --package
	scripts/package.sh

clean:
	rm -f amis
	rm -rf dist
