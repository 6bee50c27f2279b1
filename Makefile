# Sportello. `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin:$(HOME)/.local/go/bin
GO ?= go
TAGS := migrated_fynedo
# Everything but the GUI binary builds and tests without CGO.
NOCGO_PKGS = $$($(GO) list ./... | grep -v '/cmd/sportello$$')
BIN := bin

.PHONY: setup build cli run test test-go test-gui layering bench screenshots package lint clean

setup:
	@.ci/setup

build: setup
	$(GO) build -tags $(TAGS) -o $(BIN)/sportello ./cmd/sportello
	CGO_ENABLED=0 $(GO) build -o $(BIN)/sportello-cli ./cmd/sportello-cli

cli: setup
	CGO_ENABLED=0 $(GO) build -o $(BIN)/sportello-cli ./cmd/sportello-cli

## run: the GUI in demo mode (embedded sandbox + demo data)
run: build
	$(BIN)/sportello --demo

## test: every test, the layering rules, and the real GUI binary started under Xvfb
test: setup layering test-go test-gui

test-go:
	CGO_ENABLED=0 $(GO) test -count=1 -timeout 20m $(NOCGO_PKGS)

layering:
	@CGO_ENABLED=0 $(GO) build ./core/... ./store/... ./ui/... ./cmd/sportello-cli
	@if $(GO) list -deps ./core/... ./store/... ./cmd/sportello-cli | grep -q '^fyne.io/'; then \
		echo "core/, store/ and sportello-cli must not depend on Fyne:"; \
		$(GO) list -deps ./core/... ./store/... ./cmd/sportello-cli | grep '^fyne.io/' | head; exit 1; fi
	@if grep -rlE '"fyne\.io/fyne/v2/app"' --include=*.go . | grep -v '^./cmd/sportello/'; then \
		echo "only cmd/sportello may import fyne.io/fyne/v2/app"; exit 1; fi
	@echo "layering: ok"

test-gui: build
	$(GO) vet -tags $(TAGS) ./cmd/sportello
	.ci/smoke $(BIN)/sportello

## bench: every benchmark, with memory statistics
bench: setup
	CGO_ENABLED=0 $(GO) test -run '^$$' -bench . -benchmem $(NOCGO_PKGS)

## screenshots: one PNG per window under docs/screenshots, from the real binary under Xvfb
screenshots: build
	.ci/screenshots $(BIN)/sportello docs/screenshots

## package: a native package for the host OS with the fyne tool
package: setup
	cd cmd/sportello && $(GO) run fyne.io/tools/cmd/fyne@v1.7.4 package --release --tags $(TAGS) \
		--icon ../../assets/icon.png --name Sportello --app-id it.sportello.desktop --app-version $$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' ../../FyneApp.toml)
	mkdir -p $(BIN) && rm -rf $(BIN)/Sportello.* && mv cmd/sportello/Sportello.* $(BIN)/ && ls -d $(BIN)/Sportello.*

lint: setup
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt:"; echo "$$out"; exit 1; fi
	CGO_ENABLED=0 $(GO) vet $(NOCGO_PKGS)
	$(GO) vet -tags $(TAGS) ./cmd/sportello

clean:
	rm -rf $(BIN)
