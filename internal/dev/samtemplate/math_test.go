package samtemplate

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// evalMath evaluates the part of CloudWatch metric math the alarms use, for
// one data point: numbers, query ids, + - * /, comparisons, AND, OR and
// IF(condition, then, else). True is 1, false 0, as in metric math.
func evalMath(expr string, vars map[string]float64) (float64, error) {
	p := &mathParser{toks: tokenize(expr), vars: vars}
	v := p.or()
	if p.err == nil && p.pos != len(p.toks) {
		p.err = fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	if p.err != nil {
		return 0, fmt.Errorf("metric math %q: %w", expr, p.err)
	}
	return v, nil
}

func tokenize(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case unicode.IsLetter(c) || unicode.IsDigit(c) || c == '.' || c == '_':
			j := i
			for j < len(s) && (unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])) || s[j] == '.' || s[j] == '_') {
				j++
			}
			toks, i = append(toks, s[i:j]), j
		case strings.HasPrefix(s[i:], ">=") || strings.HasPrefix(s[i:], "<=") || strings.HasPrefix(s[i:], "=="):
			toks, i = append(toks, s[i:i+2]), i+2
		default:
			toks, i = append(toks, s[i:i+1]), i+1
		}
	}
	return toks
}

type mathParser struct {
	toks []string
	pos  int
	vars map[string]float64
	err  error
}

func (p *mathParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *mathParser) expect(tok string) {
	if p.peek() != tok && p.err == nil {
		p.err = fmt.Errorf("want %q at %d, got %q", tok, p.pos, p.peek())
	}
	p.pos++
}

func truth(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (p *mathParser) or() float64 {
	v := p.and()
	for p.peek() == "OR" {
		p.pos++
		r := p.and()
		v = truth(v != 0 || r != 0)
	}
	return v
}

func (p *mathParser) and() float64 {
	v := p.cmp()
	for p.peek() == "AND" {
		p.pos++
		r := p.cmp()
		v = truth(v != 0 && r != 0)
	}
	return v
}

func (p *mathParser) cmp() float64 {
	v := p.sum()
	switch op := p.peek(); op {
	case ">", "<", ">=", "<=", "==":
		p.pos++
		r := p.sum()
		return truth(map[string]bool{">": v > r, "<": v < r, ">=": v >= r, "<=": v <= r, "==": v == r}[op])
	}
	return v
}

func (p *mathParser) sum() float64 {
	v := p.product()
	for op := p.peek(); op == "+" || op == "-"; op = p.peek() {
		p.pos++
		if r := p.product(); op == "+" {
			v += r
		} else {
			v -= r
		}
	}
	return v
}

func (p *mathParser) product() float64 {
	v := p.operand()
	for op := p.peek(); op == "*" || op == "/"; op = p.peek() {
		p.pos++
		if r := p.operand(); op == "*" {
			v *= r
		} else {
			v /= r
		}
	}
	return v
}

func (p *mathParser) operand() float64 {
	tok := p.peek()
	p.pos++
	switch {
	case tok == "(":
		v := p.or()
		p.expect(")")
		return v
	case tok == "IF":
		p.expect("(")
		c := p.or()
		p.expect(",")
		a := p.or()
		p.expect(",")
		b := p.or()
		p.expect(")")
		if c != 0 {
			return a
		}
		return b
	}
	if n, err := strconv.ParseFloat(tok, 64); err == nil {
		return n
	}
	v, ok := p.vars[tok]
	if !ok && p.err == nil {
		p.err = fmt.Errorf("no value for %q", tok)
	}
	return v
}
