package moto_test

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
	"github.com/aimcards/customer-access-token/internal/dev/moto"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/google/go-cmp/cmp"
)

// startMoto starts a server for one test, skipping when moto_server is not
// installed (and failing instead on CI).
func startMoto(t *testing.T) *moto.Server {
	t.Helper()
	s, err := moto.Start(t.Context())
	if devutil.MaySkip(err) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestServerSecretRoundTrip(t *testing.T) {
	t.Parallel()
	s := startMoto(t)
	ctx := t.Context()
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Errorf("got URL %q, want http://127.0.0.1:PORT", s.URL)
	}
	arn, err := s.CreateSecret(ctx, "moto-test/plain", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(arn, "arn:aws:secretsmanager:us-east-1:") {
		t.Errorf("got ARN %q, want a us-east-1 Secrets Manager ARN", arn)
	}
	sm := secretsmanager.NewFromConfig(s.AWSConfig())
	get := func(id string) *secretsmanager.GetSecretValueOutput {
		t.Helper()
		out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := aws.ToString(get(arn).SecretString); got != "v1" {
		t.Errorf("got SecretString %q, want %q", got, "v1")
	}

	if err := s.PutSecret(ctx, "moto-test/plain", "v2"); err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(get("moto-test/plain").SecretString); got != "v2" {
		t.Errorf("after PutSecret got SecretString %q, want %q", got, "v2")
	}

	if _, err := s.CreateBinarySecret(ctx, "moto-test/binary", []byte{0, 1, 2}); err != nil {
		t.Fatal(err)
	}
	out := get("moto-test/binary")
	if out.SecretString != nil {
		t.Errorf("got SecretString %q, want none", *out.SecretString)
	}
	if diff := cmp.Diff([]byte{0, 1, 2}, out.SecretBinary); diff != "" {
		t.Errorf("SecretBinary mismatch (-want +got):\n%s", diff)
	}
}

func TestServerEnv(t *testing.T) {
	t.Parallel()
	s := &moto.Server{URL: "http://127.0.0.1:5000"}
	want := []string{
		"AWS_ENDPOINT_URL_SECRETS_MANAGER=http://127.0.0.1:5000",
		"AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:5000",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=testing",
		"AWS_SECRET_ACCESS_KEY=testing",
		"AWS_EC2_METADATA_DISABLED=true",
	}
	if diff := cmp.Diff(want, s.Env()); diff != "" {
		t.Errorf("Env mismatch (-want +got):\n%s", diff)
	}
}

func TestStopEndsServer(t *testing.T) {
	t.Parallel()
	s := startMoto(t)
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{}).Get(s.URL + "/moto-api/")
	if err == nil {
		resp.Body.Close()
		t.Errorf("got HTTP %d after Stop, want the port closed", resp.StatusCode)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: got %v, want nil", err)
	}
}

func TestStartWithoutMotoServer(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := moto.Start(t.Context())
	if !errors.Is(err, exec.ErrNotFound) {
		t.Fatalf("got error %v, want one wrapping exec.ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), moto.InstallHint) {
		t.Errorf("got error %q, want the install hint %q", err, moto.InstallHint)
	}
}

func TestStartReportsEarlyExit(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses a shell script as moto_server")
	}
	dir := t.TempDir()
	script := "#!/bin/sh\necho 'Address already in use' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(dir, "moto_server"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	_, err := moto.Start(t.Context())
	if err == nil {
		t.Fatal("got nil error, want one for a moto_server that exits")
	}
	for _, want := range []string{"exited early", "Address already in use"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got error %q, want it to contain %q", err, want)
		}
	}
}

// TestStartRetriesAfterEarlyExit: a moto_server whose port was taken before
// it bound it exits; Start tries again on a new port.
func TestStartRetriesAfterEarlyExit(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses a shell script as moto_server")
	}
	// The interpreter itself: a PATH-dependent shim will not run below.
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if devutil.MaySkip(err) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatalf("python3, which moto_server needs anyway: %v", err)
	}
	python := strings.TrimSpace(string(out))
	dir := t.TempDir()
	count := filepath.Join(dir, "count")
	// First run: the port is taken. Second: any HTTP server on the port given with -p.
	script := "#!/bin/sh\nif [ ! -e " + count + " ]; then : > " + count + "; echo 'Address already in use' >&2; exit 1; fi\n" +
		"echo again >> " + count + "\nexec " + python + " -m http.server --bind 127.0.0.1 \"$4\"\n"
	if err := os.WriteFile(filepath.Join(dir, "moto_server"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	s, err := moto.Start(t.Context())
	if err != nil {
		t.Fatalf("Start: %v, want a second attempt that answers", err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	if b, _ := os.ReadFile(count); string(b) != "again\n" {
		t.Errorf("got %q in the run log, want one run after the one that exited", b)
	}
}
