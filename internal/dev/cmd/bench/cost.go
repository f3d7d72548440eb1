package main

import (
	"math"
	"time"
)

// price is Lambda's price list the cost is computed with, in USD.
type price struct {
	gbSecond   float64 // per GB-second of billed duration
	perMillion float64 // per million requests
}

// costPerMillion is what a million requests of duration d cost at memoryMB: Lambda
// bills each request's duration rounded up to the millisecond, times its memory
// in GB (1,024 MB), plus the request price.
func costPerMillion(d time.Duration, memoryMB int, p price) float64 {
	ms := math.Ceil(float64(d) / float64(time.Millisecond))
	return 1e6*ms/1000*float64(memoryMB)/1024*p.gbSecond + p.perMillion
}
