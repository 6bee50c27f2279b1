package riconciliazione

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/riconciliazione/fdr"
	"github.com/sportello/sportello/core/riconciliazione/tracciato"
	"github.com/sportello/sportello/store"
)

// ConfigFdR is where ScaricaFdR reads: pagoPA's FdR API for organizations
// (address and subscription key) and the ente's fiscal code
// (organizationId; "" for the configured ente's).
type ConfigFdR struct {
	URL, Chiave string
	Ente        string
	HTTP        *http.Client // nil: http.DefaultClient
}

// ErrFdRNonConfigurato is a download asked for before the API is set up.
var ErrFdRNonConfigurato = errors.New("scarico da pagoPA non configurato: indicare indirizzo e chiave dell'API FdR")

// FormatoFdRAPI is the format recorded for a flow read from the API.
const FormatoFdRAPI = "FdR API pagoPA"

// ShaFdRAPI is the ric_file fingerprint of a flow's revision read from
// the API: the same revision is stored once.
func ShaFdRAPI(iuf string, revisione int64) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("FDR-API|%s|%d", iuf, revisione)))
	return hex.EncodeToString(h[:])
}

// ScaricaFdR downloads the flows published for the ente on pagoPA after
// dal (the latest revision of each) and stores each one not stored yet
// exactly as an imported FlussoRiversamento file: its lines, then the
// reconciliation of what it touched, in one transaction. report, if not
// nil, is told how many flows are done out of how many listed. It stops
// between flows when ctx is cancelled. A flow pagoPA serves with wrong data
// is left out and named in the error, the others are stored; n is how
// many were stored.
func (s *Service) ScaricaFdR(ctx context.Context, op operatori.Operatore, cfg ConfigFdR, dal time.Time, report func(done, total int)) (int, error) {
	if strings.TrimSpace(cfg.URL) == "" || strings.TrimSpace(cfg.Chiave) == "" {
		return 0, ErrFdRNonConfigurato
	}
	if cfg.Ente == "" {
		e, err := s.DB.Ente(ctx)
		if err != nil {
			return 0, fmt.Errorf("codice fiscale dell'ente: %w", err)
		}
		cfg.Ente = e.CodiceFiscale
	}
	if report == nil {
		report = func(int, int) {}
	}
	cl := &fdr.Client{BaseURL: cfg.URL, Key: cfg.Chiave, HTTP: cfg.HTTP}
	ultime := map[[2]string]fdr.Voce{} // by IUF and PSP
	err := cl.ElencoCompleto(ctx, cfg.Ente, fdr.Filtro{PubblicatiDopo: dal}, func(v fdr.Voce) error {
		k := [2]string{v.IUF, v.PSP}
		if p, ok := ultime[k]; !ok || v.Revisione > p.Revisione {
			ultime[k] = v
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	voci := make([]fdr.Voce, 0, len(ultime))
	for _, v := range ultime {
		voci = append(voci, v)
	}
	slices.SortFunc(voci, func(a, b fdr.Voce) int {
		if c := a.Pubblicato.Compare(b.Pubblicato); c != 0 {
			return c
		}
		return strings.Compare(a.IUF, b.IUF)
	})
	report(0, len(voci))
	n := 0
	var scartati []error
	for i, v := range voci {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		nuovo, err := s.scaricaFlusso(ctx, op.Username, cl, cfg.Ente, v)
		var errs tracciato.Errori
		switch {
		case errors.As(err, &errs):
			scartati = append(scartati, fmt.Errorf("flusso %s revisione %d: %w", v.IUF, v.Revisione, err))
		case err != nil:
			return n, err
		case nuovo:
			n++
		}
		report(i+1, len(voci))
	}
	return n, errors.Join(scartati...)
}

// scaricaFlusso stores one revision unless already stored; it reports
// whether it stored it.
func (s *Service) scaricaFlusso(ctx context.Context, operatore string, cl *fdr.Client, ente string, v fdr.Voce) (bool, error) {
	sum := ShaFdRAPI(v.IUF, v.Revisione)
	if _, err := s.DB.RicFileBySHA(ctx, sum); err == nil {
		return false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	var righe []store.RicPagamento
	fl, err := cl.Scarica(ctx, ente, v.IUF, v.Revisione, v.PSP, func(p fdr.Pagamento) error {
		righe = append(righe, store.RicPagamento{IUV: p.IUV, IUR: p.IUR, Indice: max(p.Indice, 1), Importo: p.Importo,
			Esito: int(p.Esito), DataEsito: giorno(p.DataEsito)})
		return nil
	})
	if err != nil {
		return false, err
	}
	h := store.RicFlusso{IUF: fl.IUF, DataFlusso: dataFlusso(fl.DataOraFlusso),
		IURRegolamento: fl.IURRegolamento, DataRegolamento: giorno(fl.DataRegolamento), PSP: pspDi(fl),
		NPagamenti: int(fl.NumeroTotalePagamenti), ImportoTotale: fl.ImportoTotale}
	gia := false
	err = s.DB.WriteMassivo(ctx, operatore, func(tx *store.Tx) error {
		// The same flow already stored (from its file, or from another
		// source): only the revision is recorded, so that the next
		// download skips it, and the flow is no new one.
		uguale, err := tx.RicFlussoUguale(ctx, h, righe)
		if err != nil {
			return err
		}
		nome := fmt.Sprintf("pagoPA FdR %s revisione %d", fl.IUF, fl.Revisione)
		if uguale {
			nome += " (uguale al flusso già presente)"
		}
		id, err := tx.InsertRicFile(ctx, store.RicFile{Tipo: TipoFdR, SHA256: sum, Nome: nome})
		if err != nil {
			return err
		}
		if uguale {
			gia = true
			return tx.SetRicFile(ctx, id, FormatoFdRAPI, len(righe))
		}
		var t Toccate
		if err := tx.InsertRicFlusso(ctx, id, h, &t); err != nil {
			return err
		}
		for rest := righe; len(rest) > 0; {
			k := min(batch, len(rest))
			if err := tx.InsertRicPagamenti(ctx, fl.IUF, rest[:k], &t); err != nil {
				return err
			}
			rest = rest[k:]
		}
		if err := tx.SetRicFile(ctx, id, FormatoFdRAPI, len(righe)); err != nil {
			return err
		}
		if _, err := tx.SincronizzaDovutiAvvisi(ctx, &t); err != nil {
			return err
		}
		return IncrementaleTx(ctx, tx, t)
	})
	if errors.Is(err, store.ErrGiaImportato) {
		return false, nil
	}
	return err == nil && !gia, err
}
