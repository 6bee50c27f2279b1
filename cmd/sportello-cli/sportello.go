package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
)

// The front desk (Pagamenti › Cerca avviso, Pagamento spontaneo), headless.
func init() {
	const cmd, desc = "\n  ", "\n                               "
	register(command{
		name: "pagamenti",
		usage: "pagamenti cerca --avviso CODICE_AVVISO|IUV --cf CODICE_FISCALE [--out FILE.pdf] [--json]" +
			desc + "l'avviso con quel numero intestato a quel codice fiscale (o partita IVA): stato (generato, inviato," +
			desc + "pagato: chiesto ora a pagoPA), e la classificazione della riconciliazione; con --out lo ristampa in PDF" +
			cmd + "pagamenti spontaneo --tipo CODICE --cf CF --nome \"…\" [--importo 12,50] [--causale \"…\"] --out FILE.pdf" +
			desc + "[--email E] [--indirizzo \"…\" --cap CAP --comune C --provincia PR] [--scadenza AAAA-MM-GG] [--invia]" +
			desc + "un pagamento spontaneo allo sportello: un tipo dovuto del catalogo (pagamenti catalogo), importo fisso del" +
			desc + "catalogo o indicato; crea la posizione debitoria su pagoPA e scrive l'avviso in PDF; stampa il codice avviso;" +
			desc + "con --invia lo manda anche per e-mail (operatore abilitato all'invio)" +
			cmd + "pagamenti pubblica CODICE_AVVISO" +
			desc + "pubblica su pagoPA un pagamento spontaneo rimasto salvato ma non pagabile (pagoPA non aveva risposto)" +
			cmd + "pagamenti invia CODICE_AVVISO [--email E]" +
			desc + "manda per e-mail l'avviso di un pagamento spontaneo (di nuovo, se già inviato)" +
			cmd + "pagamenti catalogo [--json]" +
			desc + "i tipi dovuto pagabili allo sportello, con l'importo fisso o «libero»",
		run: runPagamenti,
	})
}

var runPagamenti = sottocomandi("pagamenti", sottocomando{"cerca", pagamentiCerca}, sottocomando{"spontaneo", pagamentiSpontaneo},
	sottocomando{"pubblica", pagamentiPubblica}, sottocomando{"invia", pagamentiInvia}, sottocomando{"catalogo", pagamentiCatalogo})

func pagamentiPubblica(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	return conOperatore(ctx, g, "pagamenti pubblica", args, stderr, "CODICE_AVVISO", func(a *core.App, by operatori.Operatore, pos []string) error {
		x, err := a.Avvisi.PubblicaSpontaneo(ctx, by, pos[0])
		if err != nil {
			return domain("pagamenti pubblica", err)
		}
		fmt.Fprintf(stdout, "avviso %s pagabile su pagoPA (%s)\n", pagopa.FormattaCodiceAvviso(x.Avviso.CodiceAvviso), x.Avviso.StatoGPD)
		return nil
	})
}

// esitoCerca is pagamenti cerca --json.
type esitoCerca struct {
	CodiceAvviso    string `json:"codice_avviso"`
	IUV             string `json:"iuv"`
	Intestatario    string `json:"intestatario"`
	Debitore        string `json:"debitore"`
	Centesimi       int64  `json:"centesimi"`
	Scadenza        string `json:"scadenza"`
	TipoDovuto      string `json:"tipo_dovuto"`
	Causale         string `json:"causale"`
	Fase            string `json:"fase"`
	StatoGPD        string `json:"stato_gpd"`
	LettoDaPagoPA   bool   `json:"letto_da_pagopa"`
	Avvertenza      string `json:"avvertenza,omitempty"`
	PagatoIl        string `json:"pagato_il,omitempty"`
	StatoInvio      string `json:"stato_invio,omitempty"`
	Riconciliazione string `json:"riconciliazione,omitempty"`
	// Segnalazioni are the open flags on the payment, one line each.
	Segnalazioni []string `json:"segnalazioni,omitempty"`
}

func pagamentiCerca(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pagamenti cerca", flag.ContinueOnError)
	fs.SetOutput(stderr)
	avviso := fs.String("avviso", "", "codice avviso (18 cifre) o IUV (17)")
	cf := fs.String("cf", "", "codice fiscale o partita IVA dell'intestatario")
	out := fs.String("out", "", "ristampa l'avviso in questo file PDF")
	asJSON := fs.Bool("json", false, "uscita JSON")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	x, err := a.Avvisi.CercaAvviso(ctx, by, *avviso, *cf)
	if err != nil {
		return domain("pagamenti cerca", err)
	}
	av := x.Avviso
	e := esitoCerca{CodiceAvviso: av.CodiceAvviso, IUV: av.IUV, Intestatario: av.Intestazione, Debitore: av.CodiceFiscale + av.PartitaIVA,
		Centesimi: av.Centesimi, Scadenza: x.Lotto.Scadenza, TipoDovuto: x.TipoDovuto.Codice, Causale: av.Causale, Fase: string(x.Fase),
		StatoGPD: av.StatoGPD, LettoDaPagoPA: x.GPDLetto, Avvertenza: x.ErroreGPD, StatoInvio: av.Invio.Stato}
	if e.Causale == "" {
		e.Causale = x.Lotto.Causale
	}
	if !x.PagatoIl.IsZero() {
		e.PagatoIl = x.PagatoIl.In(rome).Format(time.RFC3339)
	}
	if len(x.Riconciliazione) > 0 {
		e.Riconciliazione = x.Riconciliazione[0].Classe.Codice
	}
	for _, f := range x.Segnalazioni {
		a := f.Apertura
		e.Segnalazioni = append(e.Segnalazioni, fmt.Sprintf("aperta il %s da %s (%s): %s", a.CreataIl.In(rome).Format("02/01/2006"),
			a.CreataDa, a.Classe, a.Nota))
		for _, n := range f.Note {
			e.Segnalazioni = append(e.Segnalazioni, fmt.Sprintf("nota il %s da %s: %s", n.CreataIl.In(rome).Format("02/01/2006"),
				n.CreataDa, n.Nota))
		}
	}
	if *out != "" {
		if err := scriviFile(*out, func(w io.Writer) error { return a.Avvisi.StampaPDF(ctx, av.IUV, w) }); err != nil {
			return domain("pagamenti cerca", err)
		}
		fmt.Fprintf(stderr, "avviso ristampato in %s\n", *out)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(e)
	}
	stato := x.Fase.Descrizione()
	if !x.PagatoIl.IsZero() {
		stato += " il " + fmtOra(x.PagatoIl)
	}
	if av.StatoGPD != "" {
		stato += " (pagoPA: " + av.StatoGPD + ")"
	}
	righe := [][2]string{{"Codice avviso", pagopa.FormattaCodiceAvviso(av.CodiceAvviso)}, {"IUV", av.IUV},
		{"Intestatario", av.Intestazione + " (" + e.Debitore + ")"}, {"Importo", pagopa.FormattaImporto(av.Centesimi) + " euro"},
		{"Scadenza", dataSportello(x.Lotto.Scadenza)}, {"Tipo dovuto", x.TipoDovuto.Codice + " - " + x.TipoDovuto.Descrizione}, {"Causale", e.Causale},
		{"Stato", stato}}
	if x.ErroreGPD != "" {
		righe = append(righe, [2]string{"Avvertenza", x.ErroreGPD})
	}
	if av.Invio.Stato != "" {
		righe = append(righe, [2]string{"Invio", strings.ToLower(av.Invio.Stato) + " a " + av.IndirizzoPec})
	}
	for i, q := range x.Riconciliazione {
		nome := "Riconciliazione"
		if i > 0 {
			nome = ""
		}
		righe = append(righe, [2]string{nome, q.Classe.Codice + " - " + q.Classe.Descrizione})
	}
	for i, f := range e.Segnalazioni {
		nome := "Segnalazione"
		if i > 0 {
			nome = ""
		}
		righe = append(righe, [2]string{nome, f})
	}
	for _, r := range righe {
		fmt.Fprintf(stdout, "%-16s %s\n", r[0], r[1])
	}
	return nil
}

func pagamentiSpontaneo(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pagamenti spontaneo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var r avvisi.RichiestaSpontaneo
	fs.StringVar(&r.TipoDovuto, "tipo", "", "codice del tipo dovuto (pagamenti catalogo)")
	fs.StringVar(&r.CodiceFiscale, "cf", "", "codice fiscale o partita IVA di chi paga")
	fs.StringVar(&r.Intestazione, "nome", "", "nome e cognome, o ragione sociale")
	fs.StringVar(&r.Importo, "importo", "", "importo in euro, es. 12,50 (se il tipo dovuto non ha un importo fisso)")
	fs.StringVar(&r.Causale, "causale", "", "causale (predefinita: la descrizione del tipo dovuto)")
	fs.StringVar(&r.Email, "email", "", "indirizzo e-mail del cittadino")
	fs.StringVar(&r.Indirizzo, "indirizzo", "", "via e numero civico")
	fs.StringVar(&r.CAP, "cap", "", "CAP")
	fs.StringVar(&r.Comune, "comune", "", "comune")
	fs.StringVar(&r.Provincia, "provincia", "", "sigla della provincia")
	scadenza := fs.String("scadenza", "", fmt.Sprintf("scadenza AAAA-MM-GG (predefinita: fra %d giorni)", avvisi.GiorniScadenza))
	out := fs.String("out", "", "file PDF dell'avviso")
	invia := fs.Bool("invia", false, "manda l'avviso anche per e-mail all'indirizzo --email")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return exitError{code: 2, msg: "pagamenti spontaneo: indicare --out FILE.pdf"}
	}
	if *scadenza != "" {
		t, err := time.ParseInLocation("2006-01-02", *scadenza, time.Local)
		if err != nil {
			return exitError{code: 2, msg: "pagamenti spontaneo: --scadenza nel formato AAAA-MM-GG"}
		}
		r.Scadenza = t
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	x, err := a.Avvisi.CreaSpontaneo(ctx, by, r)
	if err != nil {
		if x.Avviso.IUV != "" { // stored, not payable yet
			fmt.Fprintln(stdout, x.Avviso.CodiceAvviso)
			return exitError{code: 1, msg: fmt.Sprintf("pagamenti spontaneo: %v\nripetere con: sportello-cli pagamenti pubblica %s", err, x.Avviso.CodiceAvviso)}
		}
		return exitError{code: 1, msg: "pagamenti spontaneo: non creato:\n" + err.Error()}
	}
	av := x.Avviso
	fmt.Fprintln(stdout, av.CodiceAvviso)
	if err := scriviFile(*out, func(w io.Writer) error { return a.Avvisi.StampaPDF(ctx, av.IUV, w) }); err != nil {
		return domain("pagamenti spontaneo: avviso creato ma PDF non scritto (pagamenti cerca --out per ristamparlo)", err)
	}
	fmt.Fprintf(stderr, "avviso %s creato: %s euro, scadenza %s, pagabile su pagoPA; PDF in %s\n",
		pagopa.FormattaCodiceAvviso(av.CodiceAvviso), pagopa.FormattaImporto(av.Centesimi), dataSportello(x.Lotto.Scadenza), *out)
	if *invia {
		return inviaSpontaneo(ctx, a, by, av.CodiceAvviso, "", stdout, stderr)
	}
	return nil
}

func pagamentiInvia(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pagamenti invia", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "indirizzo e-mail (predefinito: quello indicato alla creazione)")
	pos, err := parseArgs(fs, args, "CODICE_AVVISO")
	if err != nil {
		return err
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	return inviaSpontaneo(ctx, a, by, pos[0], *email, stdout, stderr)
}

func inviaSpontaneo(ctx context.Context, a *core.App, by operatori.Operatore, codice, email string, stdout, stderr io.Writer) error {
	p := &progresso{ctx: ctx, eng: a.Avvisi.Engine(), w: stderr, kinds: map[uuid.UUID]string{}}
	err := a.Avvisi.InviaSpontaneo(ctx, by, codice, email, p.report)
	p.flush()
	if errors.Is(err, operatori.ErrNonAutorizzato) {
		return exitError{code: 1, msg: fmt.Sprintf("pagamenti invia: l'operatore %s non è abilitato all'invio", by.Username)}
	}
	if err != nil {
		return domain("pagamenti invia", err)
	}
	x, err := a.DB.AvvisoByIUV(ctx, pagopa.NormalizzaCodiceAvviso(codice))
	if err != nil {
		return domain("pagamenti invia", err)
	}
	line := fmt.Sprintf("avviso %s: invio %s a %s", pagopa.FormattaCodiceAvviso(x.Avviso.CodiceAvviso), strings.ToLower(x.Avviso.Invio.Stato), x.Avviso.IndirizzoPec)
	if x.Avviso.Invio.Errore != "" {
		return exitError{code: 1, msg: line + ": " + x.Avviso.Invio.Errore}
	}
	fmt.Fprintln(stdout, line)
	return nil
}

func pagamentiCatalogo(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pagamenti catalogo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "uscita JSON")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	cat, err := a.Avvisi.CatalogoSpontanei(ctx)
	if err != nil {
		return domain("pagamenti catalogo", err)
	}
	if *asJSON {
		type voce struct {
			Codice       string `json:"codice"`
			Descrizione  string `json:"descrizione"`
			ImportoFisso int64  `json:"importo_fisso"`
			Tassonomia   string `json:"tassonomia"`
			Capitolo     string `json:"capitolo,omitempty"`
		}
		out := make([]voce, len(cat))
		for i, t := range cat {
			out[i] = voce{t.Codice, t.Descrizione, t.ImportoFisso, t.Tassonomia, t.Capitolo}
		}
		return json.NewEncoder(stdout).Encode(out)
	}
	if len(cat) == 0 {
		fmt.Fprintln(stderr, "nessun tipo dovuto pagabile allo sportello (Impostazioni › Tipi dovuto, «Pagabile allo sportello»)")
	}
	for _, t := range cat {
		importo := "libero"
		if t.ImportoFisso > 0 {
			importo = pagopa.FormattaImporto(t.ImportoFisso) + " euro"
		}
		fmt.Fprintf(stdout, "%-20s %-16s %s\n", t.Codice, importo, t.Descrizione)
	}
	return nil
}

// dataSportello writes an ISO date (2027-01-31) the Italian way (31/01/2027).
func dataSportello(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}
