package main

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/aimcards/customer-access-token/internal/dev/aimsandbox"
)

// aimHosts are AIM for one protocol setting: a sandbox served on two hosts, AIM's
// service host (GetEndPoint) and the store's own host that GetEndPoint names as
// NewEndpointDomain (CustomerAccessToken), so that round trips count per host.
type aimHosts struct {
	sb             *aimsandbox.Sandbox
	service, store *host
}

// startAIM starts a sandbox that accepts apiKey on both hosts, over TLS with ca's
// certificate (offering HTTP/2 when h2 is set); GetEndPoint names the store host's
// proxy.
func startAIM(ca *testCA, apiKey string, h2 bool) (*aimHosts, error) {
	a := &aimHosts{sb: aimsandbox.New(aimsandbox.Config{APIKey: apiKey, AppID: appID})}
	var err error
	if a.store, err = startHost(a.sb, ca, h2); err != nil {
		return nil, err
	}
	if a.service, err = startHost(storeDomain{next: a.sb, storeURL: a.store.url()}, ca, h2); err != nil {
		a.store.close()
		return nil, err
	}
	return a, nil
}

// charge sets what connections to both hosts opened from now on cost: d per TCP
// round trip.
func (a *aimHosts) charge(d time.Duration) {
	a.service.rt.setRTT(d)
	a.store.rt.setRTT(d)
}

func (a *aimHosts) close() {
	a.service.close()
	a.store.close()
}

// cut closes the connections open to both hosts, which keep their addresses.
func (a *aimHosts) cut() {
	a.service.rt.cut()
	a.store.rt.cut()
}

// storeDomain has GetEndPoint name storeURL as the store's host: the sandbox names
// the host it was asked on, which here is AIM's service host.
type storeDomain struct {
	next     http.Handler
	storeURL string
}

func (s storeDomain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.URL.Path, "/aeservices30/api/GetEndPoint") {
		s.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	s.next.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	if rec.Code == http.StatusOK {
		body = renameDomain(body, s.storeURL)
	}
	maps.Copy(w.Header(), rec.Header())
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	w.Write(body) //nolint:errcheck // the client went away.
}

// renameDomain replaces NewEndpointDomain and NewEndpoint in a GetEndPoint answer,
// keeping every other field; a body it cannot read is passed on as it is.
func renameDomain(body []byte, storeURL string) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || m["NewEndpointDomain"] == nil {
		return body
	}
	m["NewEndpointDomain"], _ = json.Marshal(storeURL)
	m["NewEndpoint"], _ = json.Marshal(storeURL + "/api")
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}
