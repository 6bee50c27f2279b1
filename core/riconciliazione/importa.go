package riconciliazione

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/cassa"
	"github.com/sportello/sportello/core/riconciliazione/causale"
	"github.com/sportello/sportello/core/riconciliazione/fdr"
	"github.com/sportello/sportello/core/riconciliazione/ricevute"
	"github.com/sportello/sportello/core/riconciliazione/tracciato"
	"github.com/sportello/sportello/store"
)

// Kinds of imported file (ric_file.tipo).
const (
	TipoRT     = "RT"
	TipoFdR    = "FDR"
	TipoCassa  = "CASSA"
	TipoDovuti = "DOVUTI"
	TipoPagati = "PAGATI"
)

// NomeTipo is how the operator calls each kind of file.
var NomeTipo = map[string]string{
	TipoRT: "Ricevuta telematica", TipoFdR: "Flusso di rendicontazione", TipoCassa: "Giornale di cassa",
	TipoDovuti: "Dovuti", TipoPagati: "Export pagati MyPivot",
}

// Esito is what importing one file did.
type Esito struct {
	File         string
	Tipo         string // TipoRT...
	Formato      string // e.g. "OPI 1.8", "FlussoRiversamento 1.0.4", "paSendRT v2"
	Righe        int    // rows stored (receipt transfers, flow lines, credits, debt records)
	Stornati     int    // treasury credits removed by a STORNATO
	Importo      int64  // cents: the flow's total, the journal's credits, the receipts' amount
	Descrizione  string // one line for the operator
	GiaImportato bool   // the same content was imported before: nothing changed
}

// batch is how many rows go to the store in one call.
const batch = 2000

// Importa imports one file: its kind is recognised from the content, the
// whole file is checked while it is stored in one transaction (an error
// rolls everything back), the reconciliation of the keys it touched runs
// in the same transaction, and the same content imported again changes
// nothing.
func Importa(ctx context.Context, db *store.DB, operatore, path string) (Esito, error) {
	es := Esito{File: filepath.Base(path)}
	f, err := os.Open(path)
	if err != nil {
		return es, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return es, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if prev, err := db.RicFileBySHA(ctx, sum); err == nil {
		es.GiaImportato, es.Tipo, es.Formato, es.Righe = true, prev.Tipo, prev.Formato, prev.Righe
		es.Descrizione = fmt.Sprintf("già importato il %s da %s: nessuna modifica",
			prev.ImportatoIl.Local().Format("02/01/2006 15:04"), prev.ImportatoDa)
		return es, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return es, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return es, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(8 << 10)
	es.Tipo = Riconosci(head)
	if es.Tipo == "" {
		return es, fmt.Errorf("%s: %w: non è una ricevuta telematica, un flusso di rendicontazione, un giornale di cassa "+
			"né un CSV di dovuti o di pagati", es.File, tracciato.ErrFormato)
	}
	err = db.WriteMassivo(ctx, operatore, func(tx *store.Tx) error {
		id, err := tx.InsertRicFile(ctx, store.RicFile{Tipo: es.Tipo, Nome: es.File, SHA256: sum})
		if err != nil {
			return err
		}
		var t Toccate
		switch es.Tipo {
		case TipoRT:
			err = importaRT(ctx, tx, id, br, &es, &t)
		case TipoFdR:
			err = importaFdR(ctx, tx, id, br, &es, &t)
		case TipoCassa:
			err = importaCassa(ctx, tx, id, br, &es, &t)
		case TipoDovuti:
			err = importaDovuti(ctx, tx, id, br, &es, &t)
		case TipoPagati:
			err = importaPagati(ctx, tx, id, br, &es, &t)
		}
		if err != nil {
			return err
		}
		if err := tx.SetRicFile(ctx, id, es.Formato, es.Righe); err != nil {
			return err
		}
		// Sportello's own notices are debt records too: kept current here.
		if _, err := tx.SincronizzaDovutiAvvisi(ctx, &t); err != nil {
			return err
		}
		// Offices, chapters and assessments the debt records name are
		// created if missing, as MyPivot 5.7 does.
		if _, err := tx.CreaAnagraficheMancantiToccate(ctx, t); err != nil {
			return err
		}
		return IncrementaleTx(ctx, tx, t)
	})
	if errors.Is(err, store.ErrGiaImportato) {
		es.GiaImportato, es.Descrizione = true, "già importato: nessuna modifica"
		return es, nil
	}
	if err != nil {
		return es, fmt.Errorf("%s: %w", es.File, err)
	}
	return es, nil
}

// Riconosci tells the kind of a file from its first bytes ("" if none).
func Riconosci(head []byte) string {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	switch {
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}), bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return TipoCassa // a workbook: only journals come as spreadsheets
	case bytes.HasPrefix(bytes.TrimSpace(head), []byte("<")):
		s := string(head)
		switch {
		case strings.Contains(s, "flusso_giornale_di_cassa"):
			return TipoCassa
		case strings.Contains(s, "FlussoRiversamento"), strings.Contains(s, "nodoChiediFlussoRendicontazione"):
			return TipoFdR
		case strings.Contains(s, "paSendRT"):
			return TipoRT
		}
		return ""
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	l := strings.ToLower(string(line))
	switch {
	case strings.Contains(l, "identificativounivocoriscoss") && strings.Contains(l, "iud"):
		return TipoPagati
	case strings.Contains(l, "iud") && strings.Contains(l, "codiuv") && strings.Contains(l, "importo"):
		return TipoDovuti
	case len(bytes.TrimSpace(head)) > 0:
		return TipoCassa // a bank statement as CSV: the reader names what is wrong
	}
	return ""
}

func giorno(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// roma is Italy's zone (time/tzdata is embedded by the fdr and cassa
// readers).
var roma = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return l
}()

// dataFlusso is how a flow's dataOraFlusso is stored: RFC 3339 in Italian
// time, so that the same instant is the same text whichever zone the
// source wrote it in (a file without zone, the FdR API in UTC).
func dataFlusso(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(roma).Format(time.RFC3339)
}

func importaRT(ctx context.Context, tx *store.Tx, id int64, r io.Reader, es *Esito, t *Toccate) error {
	rt, err := ricevute.LeggiRT(r)
	if err != nil {
		return err
	}
	es.Formato = fmt.Sprintf("paSendRT v%d", rt.Versione)
	esito := "OK"
	if !strings.EqualFold(rt.Outcome, "OK") {
		esito = "KO"
	}
	righe := make([]store.RicRicevuta, 0, len(rt.Trasferimenti))
	for i, tr := range rt.Trasferimenti {
		righe = append(righe, store.RicRicevuta{IUV: rt.IUV, IUR: rt.ReceiptID, Indice: max(tr.IDTransfer, i+1),
			IUD: rt.Metadata["IUD"], CFEnte: tr.CFEnte, Importo: tr.Importo, Esito: esito, DataEsito: giorno(rt.DataPagamento),
			CFPagatore: rt.Debitore.Codice, Pagatore: rt.Debitore.Nome, PSP: rt.PSP.Nome, TipoDovuto: tr.Categoria,
			Causale: rt.Descrizione})
	}
	es.Righe, es.Importo = len(righe), rt.Importo
	es.Descrizione = fmt.Sprintf("ricevuta %s dello IUV %s, %s euro, esito %s", rt.ReceiptID, rt.IUV, tracciato.EuroIT(rt.Importo), rt.Outcome)
	return tx.InsertRicevute(ctx, id, righe, t)
}

func importaFdR(ctx context.Context, tx *store.Tx, id int64, r io.Reader, es *Esito, t *Toccate) error {
	// A line needs its flow's row, and the flow's header is complete only
	// when Leggi returns: the lines wait in memory, about 100 bytes each
	// (a flow of a PSP for a day is thousands of lines, not millions).
	// Comparing them with a flow already stored reads the stored lines a
	// row at a time: it costs no more memory.
	var pendenti []store.RicPagamento
	fl, err := fdr.Leggi(r, func(p fdr.Pagamento) error {
		pendenti = append(pendenti, store.RicPagamento{IUV: p.IUV, IUR: p.IUR, Indice: max(p.Indice, 1), Importo: p.Importo,
			Esito: int(p.Esito), DataEsito: giorno(p.DataEsito)})
		return nil
	})
	if err != nil {
		return err
	}
	es.Formato = "FlussoRiversamento " + fl.Variante
	es.Righe, es.Importo = int(fl.NumeroTotalePagamenti), fl.ImportoTotale
	h := store.RicFlusso{IUF: fl.IUF, DataFlusso: dataFlusso(fl.DataOraFlusso),
		IURRegolamento: fl.IURRegolamento, DataRegolamento: giorno(fl.DataRegolamento), PSP: pspDi(fl),
		NPagamenti: int(fl.NumeroTotalePagamenti), ImportoTotale: fl.ImportoTotale}
	// The same IUF stored already, from another file or from the FdR API:
	// with the same content this file is only recorded (importing it
	// again says so), else it is a new revision and replaces it.
	prev, err := tx.RicFileFlusso(ctx, fl.IUF)
	gia := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if gia {
		uguale, err := tx.RicFlussoUguale(ctx, h, pendenti)
		if err != nil {
			return err
		}
		if uguale {
			es.GiaImportato = true
			es.Descrizione = fmt.Sprintf("flusso %s di %s già presente con lo stesso contenuto: nessuna modifica; era stato %s",
				fl.IUF, pspDi(fl), provenienza(prev))
			return nil
		}
	}
	if err := tx.InsertRicFlusso(ctx, id, h, t); err != nil {
		return err
	}
	for len(pendenti) > 0 {
		n := min(batch, len(pendenti))
		if err := tx.InsertRicPagamenti(ctx, fl.IUF, pendenti[:n], t); err != nil {
			return err
		}
		pendenti = pendenti[n:]
	}
	es.Descrizione = fmt.Sprintf("flusso %s di %s: %d pagamenti, %s euro, regolato il %s", fl.IUF, pspDi(fl),
		fl.NumeroTotalePagamenti, tracciato.EuroIT(fl.ImportoTotale), fl.DataRegolamento.Format("02/01/2006"))
	if gia {
		es.Descrizione += fmt.Sprintf("; sostituisce il flusso %s, di contenuto diverso", provenienza(prev))
	}
	return nil
}

// provenienza tells when, by whom and from where a stored flow came.
func provenienza(f store.RicFile) string {
	da := "file " + f.Nome
	if f.Formato == FormatoFdRAPI {
		da = "scaricato da pagoPA"
	}
	return fmt.Sprintf("importato il %s da %s (%s)", f.ImportatoIl.Local().Format("02/01/2006 15:04"), f.ImportatoDa, da)
}

func pspDi(fl fdr.Flusso) string {
	if fl.IstitutoMittente.Denominazione != "" {
		return fl.IstitutoMittente.Denominazione
	}
	if fl.PSP != "" {
		return fl.PSP
	}
	return fl.IstitutoMittente.Codice
}

// importaCassa stores a journal's credits. Inside one journal a STORNATO
// cancels its ESEGUITO whatever their order: a reversal met first is
// remembered so that its movement is not stored when it comes.
func importaCassa(ctx context.Context, tx *store.Tx, id int64, r io.Reader, es *Esito, t *Toccate) error {
	stornati := map[string]bool{}
	var lotto []store.RicMovimento
	scarica := func() error {
		err := tx.InsertRicMovimenti(ctx, id, lotto, t)
		lotto = lotto[:0]
		return err
	}
	g, err := cassa.Leggi(r, func(m cassa.Movimento) error {
		if m.Operazione == cassa.Stornato {
			stornati[m.Chiave] = true
			return nil
		}
		if stornati[m.Chiave] {
			return nil
		}
		rif := causale.Leggi(m.Causale)
		mv := store.RicMovimento{Chiave: m.Chiave, Esercizio: m.Esercizio, Bolletta: m.NumeroBolletta,
			DataContabile: giorno(m.DataContabile), DataValuta: giorno(m.DataValuta), Importo: m.Importo,
			Causale: m.Causale, Cliente: m.Cliente}
		switch rif.Tipo {
		case causale.Flusso:
			mv.IUF = rif.IUF
		case causale.Pagamento:
			mv.IUV, mv.ImportoIUV, mv.ConImportoIUV = rif.IUV, rif.Importo, rif.ConImporto
		}
		lotto = append(lotto, mv)
		if len(lotto) == batch {
			return scarica()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := scarica(); err != nil {
		return err
	}
	for k := range stornati {
		switch err := tx.DeleteRicMovimento(ctx, k, t); {
		case err == nil:
			es.Stornati++
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	es.Formato, es.Righe, es.Importo = g.Formato, g.Eseguiti, g.TotaleEseguiti
	es.Descrizione = fmt.Sprintf("giornale di cassa %s: %d accrediti per %s euro, %d storni", g.Formato, g.Eseguiti,
		tracciato.EuroIT(g.TotaleEseguiti), g.Stornati)
	if n := g.RigheLette - g.Tenute(); n > 0 {
		es.Descrizione += fmt.Sprintf(", %d movimenti non pertinenti ignorati", n)
	}
	return nil
}

func importaDovuti(ctx context.Context, tx *store.Tx, id int64, r io.Reader, es *Esito, t *Toccate) error {
	var lotto []store.RicDovuto
	scarica := func() error {
		err := tx.InsertRicDovuti(ctx, id, lotto, t)
		lotto = lotto[:0]
		return err
	}
	te, err := ricevute.LeggiDovuti(r, func(d ricevute.Dovuto) error {
		rd := store.RicDovuto{IUD: d.IUD, IUV: d.IUV, Importo: d.Importo, TipoDovuto: d.TipoDovuto, CF: d.Pagatore.Codice,
			Anagrafica: d.Pagatore.Nome, Causale: d.Causale, Scadenza: giorno(d.DataScadenza), Fonte: "CSV"}
		imputa(&rd, d.Bilancio)
		es.Importo += d.Importo
		lotto = append(lotto, rd)
		if len(lotto) == batch {
			return scarica()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := scarica(); err != nil {
		return err
	}
	es.Formato, es.Righe = "Dovuti MyPay "+te.Versione, te.Righe
	es.Descrizione = fmt.Sprintf("%d dovuti per %s euro", te.Righe, tracciato.EuroIT(es.Importo))
	return nil
}

// imputa gives the debt record the office, chapter and assessment of its
// first budget line, where the statistics and the assessments look.
func imputa(d *store.RicDovuto, bilancio []ricevute.VoceBilancio) {
	if len(bilancio) > 0 {
		b := bilancio[0]
		d.Ufficio, d.Capitolo, d.Accertamento = b.Ufficio, b.Capitolo, b.Accertamento
	}
}

func importaPagati(ctx context.Context, tx *store.Tx, id int64, r io.Reader, es *Esito, t *Toccate) error {
	var lotto []store.RicRicevuta
	var dovuti []store.RicDovuto
	scarica := func() error {
		if err := tx.InsertRicevute(ctx, id, lotto, t); err != nil {
			return err
		}
		err := tx.InsertRicDovuti(ctx, id, dovuti, t)
		lotto, dovuti = lotto[:0], dovuti[:0]
		return err
	}
	te, err := ricevute.LeggiPagati(r, func(p ricevute.Pagato) error {
		lotto = append(lotto, store.RicRicevuta{IUV: p.IUV, IUR: p.IUR, Indice: max(p.Indice, 1), IUD: p.IUD, Importo: p.Importo,
			Esito: "OK", DataEsito: giorno(p.DataEsito), CFPagatore: p.Pagatore.Codice, Pagatore: p.Pagatore.Nome,
			TipoDovuto: p.TipoDovuto, Causale: p.Causale})
		if p.IUD != "" {
			d := store.RicDovuto{IUD: p.IUD, IUV: p.IUV, Importo: p.Importo, TipoDovuto: p.TipoDovuto, CF: p.Pagatore.Codice,
				Anagrafica: p.Pagatore.Nome, Causale: p.Causale, Fonte: "CSV"}
			imputa(&d, p.Bilancio)
			dovuti = append(dovuti, d)
		}
		es.Importo += p.Importo
		if len(lotto) == batch {
			return scarica()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := scarica(); err != nil {
		return err
	}
	es.Formato, es.Righe = "Export pagati "+te.Versione, te.Righe
	es.Descrizione = fmt.Sprintf("%d pagamenti per %s euro", te.Righe, tracciato.EuroIT(es.Importo))
	return nil
}
