package sandbox

import (
	"encoding/json"
	"net/http"

	"github.com/google/uuid"
)

// problem is an RFC 7807 ProblemJson, the error body of the pagoPA APIs.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
}

func newProblem(status int, title, detail string) *problem {
	return &problem{Type: "about:blank", Title: title, Status: status, Detail: detail}
}

func writeProblem(w http.ResponseWriter, p *problem) {
	q := *p
	// instance must be an absolute URI naming this occurrence.
	q.Instance = "urn:uuid:" + uuid.NewString()
	b, _ := json.Marshal(q)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(q.Status)
	w.Write(append(b, '\n'))
}

// The errors of the IO functions (io-functions-services / ts-commons).
func problemForbidden(detail string) *problem {
	return newProblem(http.StatusForbidden, "You are not allowed here", detail)
}

func problemInvalidFiscalCode(cf string) *problem {
	return newProblem(http.StatusBadRequest, "Invalid FiscalCode",
		"value "+jsonString(cf)+" at root.fiscal_code is not a valid FiscalCode (pattern "+fiscalCodeRE.String()+")")
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
