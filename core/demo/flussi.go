package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
)

// cittadino is a demo citizen of Vimercate.
type cittadino struct {
	cognome, nome string
	sesso         byte
	nascita       time.Time
	cf            string
}

var (
	cognomiDemo = []string{"Brambilla", "Colombo", "Galli", "Mariani", "Villa", "Sala", "Fumagalli", "Cattaneo", "Riva",
		"Longoni", "Ferrario", "Pirovano", "Motta", "Bonfanti", "Mauri", "Redaelli", "Crippa", "Valtolina", "Sironi", "Rota"}
	nomiM = []string{"Giuseppe", "Luigi", "Alessandro", "Stefano", "Roberto", "Davide", "Matteo", "Simone", "Paolo", "Fabio"}
	nomiF = []string{"Maria", "Anna", "Francesca", "Elena", "Chiara", "Sara", "Laura", "Valentina", "Silvia", "Giovanna"}
)

// cittadini are n demo citizens with valid fiscal codes born in Vimercate
// (M052), Monza (F704) or Milano (F205).
func cittadini(n int) []cittadino {
	luoghi := []string{"M052", "F704", "F205"}
	out := make([]cittadino, 0, n)
	for i := 0; len(out) < n; i++ {
		c := cittadino{cognome: cognomiDemo[i%len(cognomiDemo)], sesso: 'M',
			nascita: time.Date(1945+(i*7)%60, time.Month(1+(i*5)%12), 1+(i*11)%28, 0, 0, 0, 0, time.UTC)}
		c.nome = nomiM[(i/2)%len(nomiM)]
		if i%2 == 1 {
			c.sesso, c.nome = 'F', nomiF[(i/2)%len(nomiF)]
		}
		cf, err := anagrafe.GeneraCodiceFiscale(c.cognome, c.nome, c.nascita, c.sesso, luoghi[i%len(luoghi)])
		if err != nil {
			continue
		}
		c.cf = cf
		out = append(out, c)
	}
	return out
}

type demoFlusso struct {
	servizio, note, contesto, chiave string
	oggetto, contenuto               string
	righe                            int
	offset                           int // first citizen
	pagamento                        bool
	stato                            flussi.StatoFlusso
}

var demoFlussi = []demoFlusso{
	{servizio: "TARI - Tassa rifiuti", note: "TARI 2026 - prima rata", contesto: "Tributi", chiave: "TARI-2026-R1",
		oggetto: "TARI 2026: avviso di pagamento prima rata",
		contenuto: "Gentile {{nominativo}},\n\nè disponibile l'**avviso di pagamento della prima rata TARI 2026** " +
			"per l'utenza di {{indirizzo}}.\n\nPuò pagare direttamente dall'app IO con pagoPA entro la scadenza indicata, " +
			"oppure presso gli sportelli bancari, postali e gli esercenti convenzionati.\n\nUfficio Tributi - Comune di Vimercate",
		righe: 60, pagamento: true, stato: flussi.Inviato},
	{servizio: "Anagrafe e stato civile", note: "Carte d'identità in scadenza - gennaio 2027", contesto: "Anagrafe", chiave: "CIE-2027-01",
		oggetto: "La sua carta d'identità è in scadenza",
		contenuto: "Gentile {{nominativo}},\n\nla sua carta d'identità scade nei prossimi mesi. Può prenotare il rinnovo " +
			"con la **Carta d'Identità Elettronica** sull'Agenda CIE del Ministero dell'Interno, scegliendo lo sportello " +
			"di Vimercate.\n\nPorti con sé una fototessera recente e il documento in scadenza.",
		righe: 25, offset: 60, stato: flussi.Attivo},
	{servizio: "Servizi scolastici", note: "Iscrizioni mensa scolastica a.s. 2027/28", contesto: "Istruzione", chiave: "MENSA-2027",
		oggetto: "Iscrizioni al servizio di mensa scolastica",
		contenuto: "Gentile {{nominativo}},\n\nsono aperte le **iscrizioni al servizio di ristorazione scolastica** per " +
			"l'anno 2027/28. La domanda si presenta online dal portale dei servizi scolastici del Comune entro il 30 giugno.\n\n" +
			"Per informazioni: Ufficio Istruzione, tel. 039 6659 000.",
		righe: 40, offset: 85, stato: flussi.Inattivo},
}

var viaDemo = []string{"via Cavour", "via Garibaldi", "via Mazzini", "via Vittorio Emanuele", "via Trento", "via Diaz",
	"via Milano", "via Dante", "via Manin", "via XXV Aprile"}

// seedFlussi adds the demo's flows and single notifications: one sent, one
// ready to send, one in preparation.
func seedFlussi(ctx context.Context, a *core.App, by operatori.Operatore) error {
	cs := cittadini(140)
	scadenza := time.Now().AddDate(0, 2, 0).Format("02/01/2006")
	for fi, df := range demoFlussi {
		sv, err := a.Flussi.ServizioByNome(ctx, df.servizio)
		if err != nil {
			return err
		}
		var b strings.Builder
		b.WriteString("codice_fiscale;nominativo;indirizzo;scadenza;importo;codice_avviso\n")
		for i := range df.righe {
			c := cs[df.offset+i]
			importo, avviso := "", ""
			if df.pagamento {
				importo = fmt.Sprintf("%d,%02d", 90+(i*37)%310, (i*13)%100)
				avviso = pagopa.CodiceAvviso(1, uint64(2026_0000_000+fi*1000+i))
			}
			fmt.Fprintf(&b, "%s;%s %s;%s %d;%s;%s;%s\n", c.cf, c.nome, c.cognome, viaDemo[i%len(viaDemo)], 1+i%80,
				scadenza, importo, avviso)
		}
		f, l, err := a.Flussi.Importa(ctx, by, sv, "demo.csv", strings.NewReader(b.String()),
			flussi.OpzioniImport{ModelloOggetto: df.oggetto, ModelloContenuto: df.contenuto},
			flussi.DatiFlusso{Note: df.note, Contesto: df.contesto, Chiave: df.chiave, FileOrigine: strings.ToLower(df.chiave) + ".csv"})
		if err != nil {
			if l != nil && len(l.Errori) > 0 {
				return fmt.Errorf("flusso %q: %w", df.note, l.Errori[0])
			}
			return fmt.Errorf("flusso %q: %w", df.note, err)
		}
		if df.stato == flussi.Inattivo {
			continue
		}
		if err := a.Flussi.Attiva(ctx, by, f.UUID); err != nil {
			return err
		}
		if df.stato == flussi.Inviato {
			if err := a.Flussi.Invia(ctx, by, f.UUID, nil); err != nil {
				return fmt.Errorf("invio del flusso %q: %w", df.note, err)
			}
		}
	}
	sv, err := a.Flussi.ServizioByNome(ctx, "Polizia locale - Sanzioni")
	if err != nil {
		return err
	}
	c := cs[130]
	_, _, err = a.Flussi.Aggiungi(ctx, by, sv, flussi.Riga{CodiceFiscale: c.cf,
		Oggetto: "Verbale di accertamento violazione al Codice della Strada",
		Contenuto: "È stato redatto un **verbale di accertamento** per una violazione dell'art. 7 del Codice della Strada " +
			"(sosta in zona a traffico limitato). Il verbale è consultabile presso il Comando di Polizia Locale, " +
			"via Pellizzari 2, dal lunedì al venerdì dalle 9 alle 12.",
	}, c.nome+" "+c.cognome)
	return err
}
