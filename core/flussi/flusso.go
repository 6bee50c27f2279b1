package flussi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// DatiFlusso are what the operator says of a new flow.
type DatiFlusso struct {
	Note        string
	Contesto    string // contesto applicativo
	Chiave      string // chiave applicativo
	FileOrigine string
}

// ErrImport is a file that cannot be imported as it is: every problem found,
// row by row. Nothing was stored.
type ErrImport struct {
	Errori []ErroreRiga
}

func (e *ErrImport) Error() string {
	if len(e.Errori) == 1 {
		return "il file non è importabile: " + e.Errori[0].Error()
	}
	return fmt.Sprintf("il file non è importabile: %d problemi, il primo è %s", len(e.Errori), e.Errori[0].Error())
}

// Importa reads a file and, when it is clean, stores it as a new inactive
// flow of the service. A file with problems returns *ErrImport with all of
// them and stores nothing.
func (s *Service) Importa(ctx context.Context, by operatori.Operatore, sv Servizio, name string, r io.Reader, opt OpzioniImport, dati DatiFlusso) (Flusso, *Lettura, error) {
	if err := require(by, operatori.RuoloOperatore); err != nil {
		return Flusso{}, nil, err
	}
	opt.Servizio = sv
	if opt.Oggi.IsZero() {
		opt.Oggi = s.opt.Now()
	}
	l, err := Leggi(name, r, opt)
	if err != nil {
		return Flusso{}, nil, err
	}
	if dati.FileOrigine == "" {
		dati.FileOrigine = name
	}
	f, err := s.CreaFlusso(ctx, by, sv, l, dati)
	return f, l, err
}

// CreaFlusso stores the rows of a clean reading as a new inactive flow, in
// one transaction, after checking them against the notifications of the
// same service still waiting to go (an identical message would be sent twice).
func (s *Service) CreaFlusso(ctx context.Context, by operatori.Operatore, sv Servizio, l *Lettura, dati DatiFlusso) (Flusso, error) {
	if err := require(by, operatori.RuoloOperatore); err != nil {
		return Flusso{}, err
	}
	if len(l.Errori) > 0 {
		return Flusso{}, &ErrImport{Errori: l.Errori}
	}
	if len(l.Righe) == 0 {
		return Flusso{}, &ErrImport{Errori: []ErroreRiga{{Motivo: "nessuna riga di dati"}}}
	}
	rows := make([]store.Notifica, len(l.Righe))
	impronte := make([]string, len(l.Righe))
	for i, r := range l.Righe {
		impronte[i] = Impronta(sv.ID, r)
		rows[i] = notificaRow(sv.ID, r, impronte[i])
	}
	dup, err := s.db.ImpronteInAttesa(ctx, sv.ID, impronte)
	if err != nil {
		return Flusso{}, err
	}
	if len(dup) > 0 {
		var errs []ErroreRiga
		for i, r := range l.Righe {
			if dup[impronte[i]] {
				errs = append(errs, ErroreRiga{Riga: r.Numero, Motivo: "messaggio identico a una notifica del servizio non ancora inviata"})
			}
		}
		return Flusso{}, &ErrImport{Errori: errs}
	}
	f := store.Flusso{UUID: uuid.NewString(), ServizioID: sv.ID, Note: strings.TrimSpace(dati.Note), Stato: string(Inattivo),
		Contesto: strings.TrimSpace(dati.Contesto), Chiave: strings.TrimSpace(dati.Chiave), FileOrigine: dati.FileOrigine, Totale: len(rows)}
	err = s.db.Write(ctx, by.Username, func(tx *store.Tx) error {
		id, err := tx.InsertFlusso(ctx, f)
		if err != nil {
			return err
		}
		for i := range rows {
			rows[i].FlussoID = id
		}
		return tx.InsertNotifiche(ctx, rows)
	})
	if err != nil {
		return Flusso{}, err
	}
	return s.Flusso(ctx, uuid.MustParse(f.UUID))
}

// notificaRow makes a notification's row. Its UUID is a version 7 one
// (time-ordered): a flow's UUIDs land next to each other in the unique
// index, where random ones would touch a different page of it per row.
func notificaRow(servizioID int64, r Riga, impronta string) store.Notifica {
	return store.Notifica{UUID: uuid.Must(uuid.NewV7()).String(), Riga: r.Numero, ServizioID: servizioID, CodiceFiscale: r.CodiceFiscale,
		Oggetto: r.Oggetto, Contenuto: r.Contenuto, Scadenza: r.Scadenza, Importo: r.Importo, CodiceAvviso: r.CodiceAvviso,
		PagaDopoScadenza: r.PagaDopoScadenza, Impronta: impronta, StatoInvio: string(DaInviare)}
}

// Flusso reads a flow with its counts.
func (s *Service) Flusso(ctx context.Context, id uuid.UUID) (Flusso, error) {
	f, err := s.db.FlussoByUUID(ctx, id.String())
	if errors.Is(err, store.ErrNotFound) {
		return Flusso{}, fmt.Errorf("flusso %s non trovato", id)
	}
	if err != nil {
		return Flusso{}, err
	}
	out := flussoOf(f)
	perInvio, perConsegna, err := s.db.ConteggiNotifiche(ctx, f.ID)
	if err != nil {
		return Flusso{}, err
	}
	out.Conteggi = Conteggi{PerStato: map[StatoInvio]int{}, PerConsegna: perConsegna}
	for k, v := range perInvio {
		out.Conteggi.PerStato[StatoInvio(k)] = v
	}
	return out, nil
}

func flussoOf(f store.Flusso) Flusso {
	id, _ := uuid.Parse(f.UUID)
	return Flusso{ID: f.ID, UUID: id, ServizioID: f.ServizioID, Servizio: f.Servizio, CreatoIl: f.CreatoIl, Note: f.Note,
		Stato: StatoFlusso(f.Stato), Contesto: f.Contesto, Chiave: f.Chiave, Errore: f.Errore, FileOrigine: f.FileOrigine,
		Totale: f.Totale, JobUUID: f.JobUUID, Modificato: f.ModificatoIl, ModificatoDa: f.ModificatoDa}
}

// FiltroFlussi selects flows in Gestione Flussi.
type FiltroFlussi = store.FiltroFlussi

// ContaFlussi counts the flows matching f.
func (s *Service) ContaFlussi(ctx context.Context, f FiltroFlussi) (int, error) {
	return s.db.CountFlussi(ctx, f)
}

// Flussi pages through the flows matching f, newest first (counts not filled).
func (s *Service) Flussi(ctx context.Context, f FiltroFlussi, offset, limit int) ([]Flusso, error) {
	fs, err := s.db.Flussi(ctx, f, offset, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Flusso, len(fs))
	for i, f := range fs {
		out[i] = flussoOf(f)
	}
	return out, nil
}

// transizioni are the changes an operator may ask for; the others follow the send job.
var transizioni = map[StatoFlusso][]StatoFlusso{
	Inattivo: {Attivo},
	Attivo:   {Inattivo, InInvio},
	InInvio:  {InvioIncompleto, Inviato},
	// A flow that ended with failures goes back to sending when retried.
	InvioIncompleto: {InInvio, Inviato},
	Inviato:         {InInvio}, // uncertain ones re-sent by the operator
}

// ErrTransizione is a state change the flow's life does not allow.
type ErrTransizione struct{ Da, A StatoFlusso }

func (e *ErrTransizione) Error() string {
	return fmt.Sprintf("il flusso è %q: non può diventare %q", e.Da.Label(), e.A.Label())
}

// PuoDiventare reports whether a flow in state da may move to a.
func PuoDiventare(da, a StatoFlusso) bool {
	for _, s := range transizioni[da] {
		if s == a {
			return true
		}
	}
	return false
}

// cambiaStato moves a flow to a new state inside tx, enforcing the transitions.
func cambiaStato(ctx context.Context, tx *store.Tx, id uuid.UUID, a StatoFlusso, mod func(*store.Flusso)) (store.Flusso, error) {
	f, err := tx.FlussoByUUID(ctx, id.String())
	if errors.Is(err, store.ErrNotFound) {
		return f, fmt.Errorf("flusso %s non trovato", id)
	}
	if err != nil {
		return f, err
	}
	after := f
	if StatoFlusso(f.Stato) != a {
		if !PuoDiventare(StatoFlusso(f.Stato), a) {
			return f, &ErrTransizione{Da: StatoFlusso(f.Stato), A: a}
		}
		after.Stato = string(a)
	}
	if mod != nil {
		mod(&after)
	}
	return after, tx.UpdateFlusso(ctx, f, after)
}

// Attiva marks an inactive flow ready to be sent.
func (s *Service) Attiva(ctx context.Context, by operatori.Operatore, id uuid.UUID) error {
	if err := require(by, operatori.RuoloOperatore); err != nil {
		return err
	}
	return s.db.Write(ctx, by.Username, func(tx *store.Tx) error {
		_, err := cambiaStato(ctx, tx, id, Attivo, nil)
		return err
	})
}

// Disattiva puts an active flow, not yet sent, back in preparation.
func (s *Service) Disattiva(ctx context.Context, by operatori.Operatore, id uuid.UUID) error {
	if err := require(by, operatori.RuoloOperatore); err != nil {
		return err
	}
	return s.db.Write(ctx, by.Username, func(tx *store.Tx) error {
		_, err := cambiaStato(ctx, tx, id, Inattivo, nil)
		return err
	})
}

// SalvaNote changes what the operator wrote of a flow.
func (s *Service) SalvaNote(ctx context.Context, by operatori.Operatore, id uuid.UUID, dati DatiFlusso) error {
	if err := require(by, operatori.RuoloOperatore); err != nil {
		return err
	}
	return s.db.Write(ctx, by.Username, func(tx *store.Tx) error {
		f, err := tx.FlussoByUUID(ctx, id.String())
		if err != nil {
			return err
		}
		after := f
		after.Note, after.Contesto, after.Chiave = strings.TrimSpace(dati.Note), strings.TrimSpace(dati.Contesto), strings.TrimSpace(dati.Chiave)
		return tx.UpdateFlusso(ctx, f, after)
	})
}
