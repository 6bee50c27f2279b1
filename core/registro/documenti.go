package registro

// "Carica documentazione PDF" and "Gestione documentazione": the signed
// activation contract and the other PDFs of a mailbox. Only real PDFs are
// accepted (header "%PDF-" and the end-of-file marker "%%EOF" near the end),
// at most MaxDocumento bytes; the content is stored in the database with its
// SHA-256, audited and queued in the outbox in the same transaction; the sync
// engine uploads it to the provider (motore.documento).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/provider"
	"github.com/sportello/sportello/store"
)

// MaxDocumento is the largest PDF accepted: the provider's own limit, so
// that nothing accepted here is refused at upload.
const MaxDocumento = provider.MaxDocumento

// maxNomeDocumento is the longest file name the provider accepts.
const maxNomeDocumento = 200

// TipoDocumento is a kind of document with its label, as in the manual.
type TipoDocumento struct{ Codice, Etichetta string }

// TipiDocumento are the kinds of document, in the order of the manual.
var TipiDocumento = []TipoDocumento{
	{store.DocContratto, "Contratto di attivazione firmato"},
	{store.DocNuoveCredenziali, "Richiesta nuove credenziali"},
	{store.DocSubentro, "Subentro"},
	{store.DocCessazione, "Richiesta di cessazione"},
	{store.DocAltro, "Altro"},
}

// tipoProvider is the provider's kind of each local kind.
var tipoProvider = map[string]provider.TipoDocumento{
	store.DocContratto:        provider.Contratto,
	store.DocNuoveCredenziali: provider.RichiestaCredenziali,
	store.DocSubentro:         provider.Subentro,
	store.DocCessazione:       provider.Cessazione,
	store.DocAltro:            provider.AltroDocumento,
}

// ErrDocumentoAlterato: the stored content does not match its SHA-256.
var ErrDocumentoAlterato = errors.New("il contenuto del documento non corrisponde alla sua impronta SHA-256")

// validaPDF checks that dati is a whole PDF within the size limit.
func validaPDF(dati []byte) error {
	switch {
	case len(dati) == 0:
		return ErrValidazione{"Documento", "il file è vuoto"}
	case len(dati) > MaxDocumento:
		return ErrValidazione{"Documento", fmt.Sprintf("il file supera la dimensione massima di %d MB", MaxDocumento>>20)}
	case !bytes.HasPrefix(dati, []byte("%PDF-")):
		return ErrValidazione{"Documento", "il file non è un PDF"}
	}
	// Readers look for the end-of-file marker in the last 1024 bytes.
	coda := dati[max(0, len(dati)-1024):]
	if !bytes.Contains(coda, []byte("%%EOF")) {
		return ErrValidazione{"Documento", "il PDF è incompleto o danneggiato (manca la fine del file)"}
	}
	return nil
}

// nomeDocumento is the file name without folders, checked.
func nomeDocumento(nome string) (string, error) {
	nome = strings.TrimSpace(nome)
	if i := strings.LastIndexAny(nome, `/\`); i >= 0 {
		nome = strings.TrimSpace(nome[i+1:])
	}
	switch {
	case nome == "" || nome == "." || nome == "..":
		return "", ErrValidazione{"Nome file", "obbligatorio"}
	case !utf8.ValidString(nome) || strings.ContainsFunc(nome, unicode.IsControl):
		return "", ErrValidazione{"Nome file", "contiene caratteri non validi"}
	case len(nome) > maxNomeDocumento:
		return "", ErrValidazione{"Nome file", fmt.Sprintf("al massimo %d caratteri", maxNomeDocumento)}
	}
	if !strings.EqualFold(path.Ext(nome), ".pdf") {
		if len(nome)+4 > maxNomeDocumento {
			return "", ErrValidazione{"Nome file", fmt.Sprintf("al massimo %d caratteri", maxNomeDocumento)}
		}
		nome += ".pdf"
	}
	return nome, nil
}

func tipoDocumento(tipo string) (string, error) {
	t := strings.ToUpper(strings.TrimSpace(tipo))
	for _, x := range TipiDocumento {
		if x.Codice == t || strings.EqualFold(x.Etichetta, strings.TrimSpace(tipo)) {
			return x.Codice, nil
		}
	}
	return "", ErrValidazione{"Tipo documento", "scegliere tra contratto di attivazione firmato, richiesta nuove credenziali, " +
		"subentro, richiesta di cessazione, altro"}
}

// CaricaDocumento stores a PDF of a mailbox in op's scope. tipo is one of
// TipiDocumento (code or label); nome is the file name (any folder is
// dropped, ".pdf" added if missing).
func (s *Service) CaricaDocumento(ctx context.Context, op operatori.Operatore, casellaID int64, tipo, nome string, dati []byte) (int64, error) {
	codice, err := tipoDocumento(tipo)
	if err != nil {
		return 0, err
	}
	if nome, err = nomeDocumento(nome); err != nil {
		return 0, err
	}
	if err := validaPDF(dati); err != nil {
		return 0, err
	}
	sum := sha256.Sum256(dati)
	var id int64
	err = s.write(ctx, op, func(tx *store.Tx, acc Accesso) error {
		if _, err := tx.CasellaByID(ctx, acc.Ambito, casellaID); err != nil {
			return nonTrovato(err)
		}
		id, err = tx.InsertDocumento(ctx, store.Documento{CasellaID: casellaID, Tipo: codice, Nome: nome,
			SHA256: hex.EncodeToString(sum[:])}, dati)
		return err
	})
	return id, err
}

// Documenti lists the documents of a mailbox in op's scope, newest first.
func (s *Service) Documenti(ctx context.Context, op operatori.Operatore, casellaID int64) ([]store.Documento, error) {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return nil, err
	}
	if _, err := s.DB.CasellaByID(ctx, acc.Ambito, casellaID); err != nil {
		return nil, nonTrovato(err)
	}
	return s.DB.Documenti(ctx, acc.Ambito, casellaID)
}

// Documento reads a document in op's scope with its content, checked
// against its SHA-256 (ErrDocumentoAlterato), to open or save it.
func (s *Service) Documento(ctx context.Context, op operatori.Operatore, id int64) (store.Documento, []byte, error) {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return store.Documento{}, nil, err
	}
	d, dati, err := s.DB.DocumentoByID(ctx, acc.Ambito, id)
	if err != nil {
		return store.Documento{}, nil, nonTrovato(err)
	}
	if sum := sha256.Sum256(dati); hex.EncodeToString(sum[:]) != d.SHA256 || int64(len(dati)) != d.Dimensione {
		return d, nil, ErrDocumentoAlterato
	}
	return d, dati, nil
}

// documento uploads a document of row r to the provider. The mailbox must
// exist there first: while it does not (its creation waits for a retry or
// a conflict) the row waits, untouched. A row found in flight is looked up
// among the mailbox's documents (same SHA-256 and name) before it is sent
// again.
func (m *motore) documento(ctx context.Context, r store.OutboxInvio, e esitoRiga, bloccati map[chiave]bool) esitoRiga {
	id, _ := strconv.ParseInt(r.EntitaID, 10, 64)
	d, dati, err := m.s.DB.DocumentoByID(ctx, store.Ambito{}, id)
	if err != nil {
		return m.errore(e, r, err)
	}
	k := chiave{"casella", d.CasellaID}
	if bloccati[k] || m.inConflitto(k) {
		return e // Stato "": not attempted
	}
	if aperto, err := m.conflittoAperto(ctx, k); err != nil {
		return m.errore(e, r, err)
	} else if aperto {
		return e
	}
	rem, ok, err := m.remoto(ctx, k)
	if err != nil {
		return m.errore(e, r, err)
	}
	if !ok {
		return e // the mailbox is not at the provider yet
	}
	if sum := sha256.Sum256(dati); hex.EncodeToString(sum[:]) != d.SHA256 {
		return m.errore(e, r, ErrDocumentoAlterato)
	}
	if r.InVolo {
		docs, err := m.a.Documenti(ctx, rem.IDRemoto)
		if err != nil {
			return m.errore(e, r, err)
		}
		for _, x := range docs {
			if strings.EqualFold(x.SHA256, d.SHA256) && x.NomeFile == d.Nome {
				e.Stato = "SENT"
				m.esito.Inviate++
				return e
			}
		}
	}
	fatto, err := m.a.CaricaDocumento(ctx, rem.IDRemoto, tipoProvider[d.Tipo], d.Nome, dati)
	if err == nil && fatto.SHA256 != "" && !strings.EqualFold(fatto.SHA256, d.SHA256) {
		err = fmt.Errorf("il provider ha ricevuto un contenuto diverso (SHA-256 %s)", fatto.SHA256)
	}
	if err != nil {
		return m.errore(e, r, err)
	}
	e.Stato = "SENT"
	m.esito.Inviate++
	return e
}
