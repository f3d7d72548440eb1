package storefront_test

import (
	"bytes"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/network"
)

// exchange is one request the tab made and the answer it got.
type exchange struct {
	url      string
	kind     network.ResourceType
	request  network.Headers
	postData []byte
	status   int64
	response network.Headers
	failed   *network.EventLoadingFailed
}

// traffic records a tab's requests, answers (redirects included) and
// failures.
type traffic struct {
	mu   sync.Mutex
	all  []*exchange
	urls map[network.RequestID]string
	open map[network.RequestID]*exchange
}

// listen is the tab's event listener; it must return fast.
func (tr *traffic) listen(ev any) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.open == nil {
		tr.open = map[network.RequestID]*exchange{}
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if prev, ok := tr.open[ev.RequestID]; ok && ev.RedirectResponse != nil {
			prev.status, prev.response = ev.RedirectResponse.Status, ev.RedirectResponse.Headers
		}
		x := &exchange{url: ev.Request.URL, kind: ev.Type, request: ev.Request.Headers}
		for _, e := range ev.Request.PostDataEntries {
			x.postData = append(x.postData, e.Bytes...)
		}
		tr.all = append(tr.all, x)
		tr.open[ev.RequestID] = x
	case *network.EventResponseReceived:
		if x, ok := tr.open[ev.RequestID]; ok {
			x.status, x.response = ev.Response.Status, ev.Response.Headers
		}
	case *network.EventLoadingFailed:
		if x, ok := tr.open[ev.RequestID]; ok {
			x.failed = ev
		}
	}
}

// to returns the recorded exchanges whose URL starts with prefix.
func (tr *traffic) to(prefix string) []exchange {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var out []exchange
	for _, x := range tr.all {
		if strings.HasPrefix(x.url, prefix) {
			out = append(out, *x)
		}
	}
	return out
}

// carrying returns a description of every URL, header or body the tab sent
// or received that contains secret.
func (tr *traffic) carrying(secret string) []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var out []string
	for _, x := range tr.all {
		if strings.Contains(x.url, secret) || bytes.Contains(x.postData, []byte(secret)) {
			out = append(out, "request "+x.url)
		}
		for where, h := range map[string]network.Headers{"request": x.request, "response": x.response} {
			for k, v := range h {
				if s, _ := v.(string); strings.Contains(s, secret) {
					out = append(out, where+" header "+k+" of "+x.url)
				}
			}
		}
	}
	return out
}

// header returns the value of the header name in h, ignoring case.
func header(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			s, _ := v.(string)
			return s
		}
	}
	return ""
}
