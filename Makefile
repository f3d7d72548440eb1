# Build, check, run locally and deploy the customer-access-token Lambda.
# `make` (or `make help`) lists the targets.

# The toolchain every go command uses (go.mod says go 1.26; this is the tested one).
export GOTOOLCHAIN := go1.27.3

.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

FUNCTION_PKG := ./functions/customer-access-token
# `sam build` sets ARTIFACTS_DIR; by hand the binary goes where sam would put it.
ARTIFACTS_DIR ?= .aws-sam/build/CustomerAccessTokenFunction
# Build flags for the Lambda: static, no RPC shim (provided.al2023 needs none), reproducible, small.
# -buildvcs=false: the commit and a dirty flag stamped into bootstrap would make a README
# edit publish a version (README, Deploy); -trimpath keeps the checkout's path out.
GO_LAMBDA_FLAGS := -tags lambda.norpc -trimpath -buildvcs=false -ldflags="-s -w"

# The Lambda Runtime Interface Emulator (what `sam local invoke` runs in its container).
# Its tags are not semver, so it is pinned by pseudo-version.
RIE_MODULE  := github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie
RIE_VERSION := v0.0.0-20261030222936-bef5c4ba774d
GOBIN_DIR    = $(or $(shell go env GOBIN),$(shell go env GOPATH)/bin)

# Linter, pinned; run with `go run` so it stays out of go.mod.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Event for `make invoke`.
EVENT ?= events/httpapi-add-customer-card.json

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-36s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build-CustomerAccessTokenFunction
build-CustomerAccessTokenFunction: ## Build bootstrap into ARTIFACTS_DIR (what `sam build` calls).
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build $(GO_LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap $(FUNCTION_PKG)

# The deploy gate and outside-in check (README, Safe rollout): its own bootstrap, the same
# flags. `sam build` sets ARTIFACTS_DIR in the environment; by hand it goes where sam puts it.
SYNTHETIC_PKG := ./functions/synthetic-check
SYNTHETIC_DIR  = $(if $(filter environment command line,$(origin ARTIFACTS_DIR)),$(ARTIFACTS_DIR),.aws-sam/build/SyntheticCheckFunction)

.PHONY: build-SyntheticCheckFunction
build-SyntheticCheckFunction: ## Build the synthetic check's bootstrap (what `sam build` calls).
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build $(GO_LAMBDA_FLAGS) -o $(SYNTHETIC_DIR)/bootstrap $(SYNTHETIC_PKG)

.PHONY: build
build: build-CustomerAccessTokenFunction build-SyntheticCheckFunction ## Build the linux/arm64 bootstraps without sam.

.PHONY: validate
validate: ## Lint template.yaml with cfn-lint (SAM transform included).
	@command -v cfn-lint >/dev/null || { echo "cfn-lint not found: pip install cfn-lint" >&2; exit 1; }
	cfn-lint template.yaml

.PHONY: lint
lint: ## gofmt, go vet, staticcheck, go mod tidy must leave nothing to change; govulncheck must find nothing.
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:" >&2; echo "$$unformatted" >&2; exit 1; fi
	go vet ./...
	go run $(STATICCHECK) ./...
	go mod tidy -diff
	$(MAKE) --no-print-directory vulncheck

.PHONY: test
test: tools validate ## Install the emulator, validate the template and run every Go test.
	go test -count=1 ./...

.PHONY: tools
tools: ## Install the Runtime Interface Emulator; check moto_server and cfn-lint.
	@if command -v aws-lambda-rie >/dev/null || [ -x "$(GOBIN_DIR)/aws-lambda-rie" ]; then \
		echo "aws-lambda-rie: installed"; \
	else \
		echo "go install $(RIE_MODULE)@$(RIE_VERSION)"; \
		go install $(RIE_MODULE)@$(RIE_VERSION); \
	fi
	@command -v moto_server >/dev/null && echo "moto_server: installed" || echo "moto_server missing: pip install 'moto[server]'" >&2
	@command -v cfn-lint >/dev/null && echo "cfn-lint: installed" || echo "cfn-lint missing: pip install cfn-lint" >&2

.PHONY: invoke
invoke: tools ## Run one event through the local stack (EVENT=events/<file>.json).
	go run ./internal/dev/cmd/invoke -event $(EVENT)

# Ports of `make serve`: the local API in front of the function, and the example
# store page. Both listen on 127.0.0.1: two origins (CORS is real) on one host (the
# token cookie the page sets reaches the API; cookies are not port-scoped).
PORT ?= 3000
PAGE_PORT ?= 3001

.PHONY: serve
serve: tools ## Run the function behind a local API on :PORT and the example store on :PAGE_PORT (Ctrl-C stops).
	go run ./internal/dev/cmd/serve -port $(PORT) -page-port $(PAGE_PORT)

.PHONY: sandbox
sandbox: ## Serve the AIM sandbox alone on 127.0.0.1:8081 for sam local users (API_KEY=<the secret's value>).
	go run ./internal/dev/cmd/sandbox -addr 127.0.0.1:8081 -api-key "$(API_KEY)"

# samconfig.toml environment `make deploy` uses: default, dev or prod.
SAM_ENV ?= default
# More Key=Value parameters for this one deploy, e.g. PARAMS="AimTimeout=8s"; the next
# deploy without them puts the samconfig.toml value or the default back.
PARAMS ?=
# CONFIRM=no: no change-set prompt, and no change is no error (for a pipeline).
CONFIRM ?= yes
DEPLOY_FLAGS = $(if $(filter no,$(CONFIRM)),--no-confirm-changeset --no-fail-on-empty-changeset)

.PHONY: deploy
deploy: validate ## Check the template's wiring, sam build, then sam deploy with every parameter and ConfigDigest (SAM_ENV=default|dev|prod, PARAMS=..., CONFIRM=no).
	@command -v sam >/dev/null || { echo "sam not found: install the AWS SAM CLI (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html)" >&2; exit 1; }
	@# -short: the wiring checks without TestBuildIgnoresGitState (make test runs it; it
	@# needs a git checkout, and a deploy may come from an export).
	CI=true go test -count=1 -short ./internal/dev/samtemplate
	sam build --config-env $(SAM_ENV)
	@# deployparams passes every template parameter (samconfig.toml's, PARAMS, else the
	@# default): one left out would keep its previous value in the stack, not the one the
	@# digest of the built code and settings hashed (README, Deploy).
	overrides="$$(go run ./internal/dev/cmd/deployparams -env '$(SAM_ENV)' -params '$(PARAMS)')"; \
	sam deploy --config-env $(SAM_ENV) $(DEPLOY_FLAGS) --parameter-overrides "$$overrides"

.PHONY: clean
clean: ## Remove build output and test leftovers.
	rm -rf .aws-sam
	rm -f coverage.out coverage.html *.coverprofile *.test
# --- make bench -------------------------------------------------------------
# Run on an otherwise idle machine: other work shows in every figure (the report
# prints the load average at start). Run as root, where a cgroup v1 cpu controller
# gives each process Lambda's CPU share for its memory size; elsewhere the report
# says that every size ran at full CPU. Per size, the first click on a new
# environment is measured for the function and for a peer (the plain per-click
# integration), run in turn, with AIM's hosts on HTTP/1.1 and on HTTP/2; -cpu-scale
# slows every process when hello-world's init here is faster than Lambda's. Needs
# moto_server on PATH (see `make tools`).
# For example: make bench BENCH_FLAGS="-sizes 128,1024 -runs 9 -aim-rtt 20ms -v"
BENCH_FLAGS ?=

.PHONY: bench
bench: ## Measure the function against hello-world and the per-click peer per memory size; rewrite README's Performance tables.
	@command -v moto_server >/dev/null || { echo "moto_server not found: pip install 'moto[server]'" >&2; exit 1; }
	go run ./internal/dev/cmd/bench -readme README.md $(BENCH_FLAGS)
	go test -run '^$$' -bench . -benchmem ./internal/apigw/... ./internal/handler/...

# --- Fuzzing, vulnerabilities and soak ---------------------------------------

# How long each fuzz target runs under `make fuzz`.
FUZZTIME ?= 10m

# govulncheck runs offline against a database built from the pinned
# golang.org/x/vulndb module, so the result is reproducible and needs no
# access to vuln.go.dev. Bump both versions together.
VULNDB_VERSION      := v0.0.0-20261105234957-e22db6528018
GOVULNCHECK_VERSION := v1.9.0
VULNDB_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/customer-access-token/vulndb-$(VULNDB_VERSION)

.PHONY: fuzz
fuzz: ## Fuzz the event mapping and the handler for FUZZTIME each (default 10m).
	go test -run '^$$' -fuzz '^FuzzMapping$$' -fuzztime $(FUZZTIME) ./internal/apigw
	go test -run '^$$' -fuzz '^FuzzHandle$$' -fuzztime $(FUZZTIME) ./internal/handler

# The OSV entries come with the vulndb module; cmd/indexdb (same version)
# turns them into the file:// database govulncheck reads.
$(VULNDB_DIR)/index/db.json:
	dir="$$(cd / && go mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p')"; \
	test -d "$$dir/data/osv" || { echo "vulndb: no data/osv in '$$dir'" >&2; exit 1; }; \
	rm -rf "$(VULNDB_DIR).tmp"; \
	go run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns "$$dir/data/osv" -out "$(VULNDB_DIR).tmp"; \
	rm -rf "$(VULNDB_DIR)"; mv "$(VULNDB_DIR).tmp" "$(VULNDB_DIR)"

.PHONY: vulndb
vulndb: $(VULNDB_DIR)/index/db.json ## Build the offline vulnerability database (cached).

.PHONY: vulncheck
vulncheck: vulndb ## govulncheck against the pinned offline database.
	go run golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION) -db file://$(VULNDB_DIR) ./...

.PHONY: soak
soak: tools ## 20,000 invocations through the emulator; peak RSS, fds, threads, AIM connections.
	go run ./internal/dev/cmd/soak -n 20000 -checkpoint 1000 -events events
