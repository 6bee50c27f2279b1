package registro

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sportello/sportello/store"
)

func pdf(corpo string) []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + corpo + "\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

func TestCaricaDocumento(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	cid, err := f.s.InserisciCasella(ctx, bruno, form("mario.rossi", "pec-b.it", "DLCGUO68P15D969U"))
	if err != nil {
		t.Fatal(err)
	}
	dati := pdf("contratto")
	id, err := f.s.CaricaDocumento(ctx, bruno, cid, store.DocContratto, `C:\scansioni\contratto firmato`, dati)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(dati)
	docs, err := f.s.Documenti(ctx, bruno, cid)
	if err != nil || len(docs) != 1 {
		t.Fatalf("documenti %+v %v", docs, err)
	}
	d := docs[0]
	if d.ID != id || d.Nome != "contratto firmato.pdf" || d.Tipo != store.DocContratto || d.SHA256 != hex.EncodeToString(sum[:]) ||
		d.Dimensione != int64(len(dati)) || d.CaricatoDa != "bruno" || d.CaricatoIl.IsZero() {
		t.Fatalf("metadati %+v", d)
	}
	m, letti, err := f.s.Documento(ctx, bruno, id)
	if err != nil || !bytes.Equal(letti, dati) || m != d {
		t.Fatalf("documento %+v %v", m, err)
	}
	// The reseller sees it; another assistant sees neither the mailbox nor the document.
	if _, _, err := f.s.Documento(ctx, postmaster, id); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CaricaDocumento(ctx, anna, cid, store.DocAltro, "x.pdf", dati); !errors.Is(err, ErrNonTrovato) {
		t.Fatalf("carica fuori ambito: %v", err)
	}
	if _, err := f.s.Documenti(ctx, anna, cid); !errors.Is(err, ErrNonTrovato) {
		t.Fatalf("elenco fuori ambito: %v", err)
	}
	if _, _, err := f.s.Documento(ctx, anna, id); !errors.Is(err, ErrNonTrovato) {
		t.Fatalf("documento fuori ambito: %v", err)
	}
	// Audited and queued (metadata only) in the same transaction.
	h, err := f.s.DB.History(ctx, "documento", fmt.Sprint(id))
	if err != nil || len(h) == 0 || h[0].Operatore != "bruno" {
		t.Fatalf("storico %+v %v", h, err)
	}
	out, _ := f.s.DB.Outbox(ctx, "PENDING", 1000)
	var righe int
	for _, o := range out {
		if o.Entita == "documento" && o.EntitaID == fmt.Sprint(id) {
			righe++
			if !strings.Contains(o.Payload, d.SHA256) || strings.Contains(o.Payload, "%PDF") {
				t.Fatalf("payload %s", o.Payload)
			}
		}
	}
	if righe != 1 {
		t.Fatalf("righe outbox del documento: %d", righe)
	}
	// The label of a kind is accepted too.
	if _, err := f.s.CaricaDocumento(ctx, bruno, cid, "Richiesta di cessazione", "cessazione.PDF", pdf("c")); err != nil {
		t.Fatal(err)
	}
	if docs, _ := f.s.Documenti(ctx, bruno, cid); len(docs) != 2 || docs[0].Tipo != store.DocCessazione || docs[0].Nome != "cessazione.PDF" {
		t.Fatalf("secondo documento %+v", docs)
	}
	// A content changed behind the database's back is detected.
	if err := f.s.DB.Write(ctx, "test", func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE documenti SET contenuto = ? WHERE id = ?`, pdf("falso"), id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.s.Documento(ctx, bruno, id); !errors.Is(err, ErrDocumentoAlterato) {
		t.Fatalf("alterato: %v", err)
	}
}

func TestCaricaDocumentoRifiuti(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	cid, err := f.s.InserisciCasella(ctx, bruno, form("mario.rossi", "pec-b.it", "DLCGUO68P15D969U"))
	if err != nil {
		t.Fatal(err)
	}
	grande := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), MaxDocumento)...)
	grande = append(grande, "\n%%EOF\n"...)
	troncato := pdf("")
	troncato = troncato[:len(troncato)-7]
	// %%EOF far from the end: a PDF with garbage appended.
	accodato := append(pdf(""), bytes.Repeat([]byte{0}, 2048)...)
	for _, c := range []struct {
		nome, tipo, file string
		dati             []byte
		campo            string
	}{
		{"vuoto", store.DocContratto, "a.pdf", nil, "Documento"},
		{"png", store.DocContratto, "a.pdf", []byte("\x89PNG\r\n\x1a\n%%EOF"), "Documento"},
		{"troncato", store.DocContratto, "a.pdf", troncato, "Documento"},
		{"accodato", store.DocContratto, "a.pdf", accodato, "Documento"},
		{"grande", store.DocContratto, "a.pdf", grande, "Documento"},
		{"tipo", "FATTURA", "a.pdf", pdf(""), "Tipo documento"},
		{"nome", store.DocContratto, " / ", pdf(""), "Nome file"},
		{"nome lungo", store.DocContratto, strings.Repeat("n", 201), pdf(""), "Nome file"},
		{"controllo", store.DocContratto, "a\x00b.pdf", pdf(""), "Nome file"},
	} {
		t.Run(c.nome, func(t *testing.T) {
			_, err := f.s.CaricaDocumento(ctx, bruno, cid, c.tipo, c.file, c.dati)
			campo(t, err, c.campo)
		})
	}
	if _, err := f.s.CaricaDocumento(ctx, bruno, cid+100, store.DocContratto, "a.pdf", pdf("")); !errors.Is(err, ErrNonTrovato) {
		t.Fatalf("casella inesistente: %v", err)
	}
	if docs, err := f.s.Documenti(ctx, bruno, cid); err != nil || len(docs) != 0 {
		t.Fatalf("documenti %+v %v", docs, err)
	}
}

func TestSyncDocumento(t *testing.T) {
	f := nuovoSync(t)
	ctx := context.Background()
	// Offline: the mailbox and its contract wait in the outbox.
	f.sb.SetProviderOffline(true)
	cid := f.casella(t, "mario.rossi", "DLCGUO68P15D969U")
	dati := pdf("contratto")
	id, err := f.s.CaricaDocumento(ctx, postmaster, cid, store.DocNuoveCredenziali, "credenziali.pdf", dati)
	if err != nil {
		t.Fatal(err)
	}
	if es := f.giro(t); !es.Offline || f.pendenti(t) != 5 {
		t.Fatalf("offline %+v, pendenti %d", es, f.pendenti(t))
	}
	f.sb.SetProviderOffline(false)
	if es := f.giro(t); es.Offline || es.Fallite != 0 || es.Inviate != 5 || f.pendenti(t) != 0 {
		t.Fatalf("online %+v, pendenti %d", es, f.pendenti(t))
	}
	rem, err := f.s.DB.Remoto(ctx, "casella", cid)
	if err != nil {
		t.Fatal(err)
	}
	remoti := func() []string {
		t.Helper()
		docs, err := f.c.Documenti(ctx, rem.IDRemoto)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range docs {
			out = append(out, string(d.Tipo)+" "+d.NomeFile+" "+d.SHA256)
		}
		return out
	}
	sum := sha256.Sum256(dati)
	want := "RICHIESTA_CREDENZIALI credenziali.pdf " + hex.EncodeToString(sum[:])
	if got := remoti(); len(got) != 1 || got[0] != want {
		t.Fatalf("documenti del provider %q", got)
	}
	// A row found in flight (the round died after the upload) is looked up, not sent twice.
	if err := f.s.DB.Write(ctx, "test", func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET stato = 'PENDING', in_volo_dal = ? WHERE entita = 'documento' AND entita_id = ?`,
			"2026-01-01T00:00:00Z", fmt.Sprint(id))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if es := f.giro(t); es.Inviate != 1 || f.pendenti(t) != 0 {
		t.Fatalf("ripresa %+v", es)
	}
	if got := remoti(); len(got) != 1 {
		t.Fatalf("documento caricato due volte: %q", got)
	}
	// A later document of a mailbox already at the provider.
	if _, err := f.s.CaricaDocumento(ctx, postmaster, cid, store.DocSubentro, "subentro.pdf", pdf("s")); err != nil {
		t.Fatal(err)
	}
	if es := f.giro(t); es.Inviate != 1 || es.Fallite != 0 {
		t.Fatalf("secondo %+v", es)
	}
	if got := remoti(); len(got) != 2 {
		t.Fatalf("documenti del provider %q", got)
	}
}
