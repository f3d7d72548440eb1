package apigw

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Modes AIM accepts for CustomerAccessToken, and whether each needs ItemKey.
var modes = map[string]bool{
	"ADD_CUSTOMER_CARD": false,
	"ADD_CONTRACT_CARD": true,
	"ADD_STUDENT_CARD":  true,
	"UPDATE_CARD":       true,
}

// MaxTokenLength bounds the customer token, in bytes.
const MaxTokenLength = 4096

// Call is a valid request for a customer access token.
type Call struct {
	Mode     string // upper-case, or "" to let the customer choose
	ItemKey  int64  // 0 when absent
	Acct     int32  // 0 when absent
	Token    string // the customer's AIM login token
	DeviceID string
}

// parseCall reads the customer's request from a GET event. Failures are
// *RequestError values that name the parameter.
func parseCall(ev event, tokenCookie string) (Call, error) {
	var c Call
	var err error
	if v, err := ev.param("Token"); err != nil || len(v) > 0 {
		return c, &RequestError{Param: "Token", Detail: "The sign-in token must not be sent in the URL."}
	}
	if c.Mode, err = parseMode(ev); err != nil {
		return c, err
	}
	if c.ItemKey, err = parseItemKey(ev, c.Mode); err != nil {
		return c, err
	}
	acct, err := parsePositive(ev, "Acct", 32)
	if err != nil {
		return c, err
	}
	c.Acct = int32(acct)
	if c.DeviceID, err = headerValue(ev, "DeviceId", 256); err != nil {
		return c, err
	}
	c.Token, err = customerToken(ev, tokenCookie)
	return c, err
}

// singleParam returns a parameter's one value; repeating it is an error.
func singleParam(ev event, name string) (string, error) {
	v, err := ev.param(name)
	if err != nil {
		return "", err
	}
	switch len(v) {
	case 0:
		return "", nil
	case 1:
		return v[0], nil
	}
	return "", &RequestError{Param: name, Detail: fmt.Sprintf("The %s parameter must be given once.", name)}
}

func parseMode(ev event) (string, error) {
	v, err := singleParam(ev, "Mode")
	if err != nil || v == "" {
		return "", err
	}
	// ASCII only: strings.ToUpper would turn look-alikes such as "ı" into "I".
	mode := strings.ToUpper(v)
	if _, ok := modes[mode]; !ok || strings.ContainsFunc(v, func(r rune) bool { return r > unicode.MaxASCII }) {
		return "", &RequestError{Param: "Mode", Detail: "Mode must be ADD_CUSTOMER_CARD, ADD_CONTRACT_CARD, ADD_STUDENT_CARD or UPDATE_CARD."}
	}
	return mode, nil
}

func parseItemKey(ev event, mode string) (int64, error) {
	key, err := parsePositive(ev, "ItemKey", 64)
	switch {
	case err != nil:
		return 0, err
	case key == 0 && modes[mode]:
		return 0, &RequestError{Param: "ItemKey", Detail: fmt.Sprintf("ItemKey is required with Mode %s.", mode)}
	case key != 0 && !modes[mode]:
		return 0, &RequestError{Param: "ItemKey", Detail: "ItemKey is only allowed with ADD_CONTRACT_CARD, ADD_STUDENT_CARD or UPDATE_CARD."}
	}
	return key, nil
}

// parsePositive reads a positive decimal integer of the given bit size,
// written plainly: no sign, no leading zero, no other notation.
func parsePositive(ev event, name string, bits int) (int64, error) {
	v, err := singleParam(ev, name)
	if err != nil || v == "" {
		return 0, err
	}
	n, perr := strconv.ParseInt(v, 10, bits)
	if perr != nil || n <= 0 || v[0] < '1' || v[0] > '9' {
		return 0, &RequestError{Param: name, Detail: fmt.Sprintf("%s must be a positive whole number of at most %d bits.", name, bits)}
	}
	return n, nil
}
