package rie

// SetFreeAddr replaces how the emulator's ports are picked until restore.
func SetFreeAddr(f func(orig func() (string, error)) (string, error)) (restore func()) {
	orig := freeAddr
	freeAddr = func() (string, error) { return f(orig) }
	return func() { freeAddr = orig }
}
