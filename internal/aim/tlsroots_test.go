package aim_test

import (
	"os"
	"testing"

	"github.com/aimcards/customer-access-token/internal/dev/devutil"
)

// TestMain makes httptest's TLS certificate the system's only root, so a
// real aim.Client verifies the TLS test servers the way it verifies AIM.
func TestMain(m *testing.M) { os.Exit(devutil.RunWithTestServerRoots(m)) }
