package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// caselleScreen is Impostazioni → Caselle di posta: the PEC mailbox
// notices go out from (with IMAP for its receipts) and the ordinary
// e-mail one. Passwords go to the keyring; a blank password field keeps
// the saved one.
type caselleScreen struct {
	Forms    map[string]*widgets.DetailForm // by tipo: PEC, EMAIL
	Verifica map[string]*widget.Button      // «Verifica connessione»
	Esito    map[string]*widget.Label
}

var sicurezze = []string{impostazioni.SicurezzaTLS, impostazioni.SicurezzaSTARTTLS, impostazioni.SicurezzaNessuna}

func caselleView(u *UI) fyne.CanvasObject {
	s := &caselleScreen{Forms: map[string]*widgets.DetailForm{}, Verifica: map[string]*widget.Button{}, Esito: map[string]*widget.Label{}}
	u.caselle = s
	tabs := container.NewAppTabs()
	for _, tipo := range []string{impostazioni.CasellaPEC, impostazioni.CasellaEmail} {
		fields := []widgets.Field{
			{Key: "indirizzo", Label: lang.L("Indirizzo"), Required: true, Placeholder: "protocollo@pec.comune.esempio.it"},
			{Key: "utente", Label: lang.L("Nome utente"), Placeholder: lang.L("se diverso dall'indirizzo")},
			{Key: "password", Label: lang.L("Password"), Kind: widgets.FieldPassword, Placeholder: lang.L("lasciare vuoto per non cambiarla")},
			{Key: "smtp_host", Label: lang.L("Server SMTP"), Required: true, Placeholder: "smtps.pec.aruba.it"},
			{Key: "smtp_porta", Label: lang.L("Porta SMTP"), Required: true, Placeholder: "465"},
			{Key: "smtp_sicurezza", Label: lang.L("Sicurezza SMTP"), Kind: widgets.FieldSelect, Options: sicurezze, Required: true},
		}
		if tipo == impostazioni.CasellaPEC {
			fields = append(fields,
				widgets.Field{Key: "imap_host", Label: lang.L("Server IMAP (ricevute)"), Required: true, Placeholder: "imaps.pec.aruba.it"},
				widgets.Field{Key: "imap_porta", Label: lang.L("Porta IMAP"), Required: true, Placeholder: "993"},
				widgets.Field{Key: "imap_sicurezza", Label: lang.L("Sicurezza IMAP"), Kind: widgets.FieldSelect, Options: sicurezze, Required: true})
		}
		fields = append(fields, widgets.Field{Key: "ca_pem", Label: lang.L("Certificato aggiuntivo (PEM)"), Kind: widgets.FieldMultiline,
			Placeholder: lang.L("solo se il gestore usa un'autorità di certificazione privata")})
		titolo := lang.L("Casella PEC")
		if tipo == impostazioni.CasellaEmail {
			titolo = lang.L("Casella e-mail ordinaria")
		}
		f := widgets.NewDetailForm([]widgets.Section{{Title: titolo, Fields: fields}}, func(v map[string]string) error {
			return u.salvaCasella(s, tipo, v)
		})
		s.Forms[tipo] = f
		s.Esito[tipo] = esitoLabel()
		s.Verifica[tipo] = widget.NewButtonWithIcon(lang.L("Verifica connessione"), theme.ConfirmIcon(), func() { u.verificaCasella(s, tipo) })
		tabs.Append(container.NewTabItem(titolo, container.NewBorder(nil,
			container.NewVBox(container.NewHBox(s.Verifica[tipo]), s.Esito[tipo]), nil, nil, container.NewVScroll(f))))
		u.refreshCasella(s, tipo)
	}
	return container.NewPadded(tabs)
}

func (u *UI) refreshCasella(s *caselleScreen, tipo string) {
	c, err := u.Core.Impostazioni.Casella(u.ctx, tipo)
	f := s.Forms[tipo]
	if err != nil {
		setEsito(s.Esito[tipo], widgets.ErrorText(err), widget.DangerImportance)
		return
	}
	porta := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	sic := func(v string) string {
		if v == "" {
			return impostazioni.SicurezzaTLS
		}
		return v
	}
	f.SetValues(map[string]string{"indirizzo": c.Indirizzo, "utente": c.Utente, "password": "", "smtp_host": c.SMTPHost,
		"smtp_porta": porta(c.SMTPPorta), "smtp_sicurezza": sic(c.SMTPSicurezza), "imap_host": c.IMAPHost,
		"imap_porta": porta(c.IMAPPorta), "imap_sicurezza": sic(c.IMAPSicurezza), "ca_pem": c.CAPEM})
	if !c.ModificatoIl.IsZero() {
		f.SetLastChange(c.ModificatoIl, c.ModificatoDa)
	}
	setEnabled(s.Verifica[tipo], c.Configurata)
}

func (u *UI) salvaCasella(s *caselleScreen, tipo string, v map[string]string) error {
	atoi := func(key, campo string) (int, error) {
		t := strings.TrimSpace(v[key])
		if t == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(t)
		if err != nil {
			return 0, impostazioni.ErrValidazione{Campo: campo, Motivo: lang.L("un numero, es. 465")}
		}
		return n, nil
	}
	c := store.CasellaPosta{Tipo: tipo, Indirizzo: v["indirizzo"], Utente: v["utente"], SMTPHost: v["smtp_host"],
		SMTPSicurezza: v["smtp_sicurezza"], IMAPHost: v["imap_host"], IMAPSicurezza: v["imap_sicurezza"], CAPEM: strings.TrimSpace(v["ca_pem"])}
	var err error
	if c.SMTPPorta, err = atoi("smtp_porta", lang.L("Porta SMTP")); err != nil {
		return err
	}
	if c.IMAPPorta, err = atoi("imap_porta", lang.L("Porta IMAP")); err != nil {
		return err
	}
	if err := u.Core.Impostazioni.SalvaCasella(u.ctx, u.Core.Operatore(), c, v["password"]); err != nil {
		return err
	}
	u.refreshCasella(s, tipo)
	setEsito(s.Esito[tipo], lang.L("Casella salvata: premere «Verifica connessione» per provarla."), widget.SuccessImportance)
	return nil
}

// verificaCasella logs in to the servers off the UI goroutine.
func (u *UI) verificaCasella(s *caselleScreen, tipo string) {
	b := s.Verifica[tipo]
	b.Disable()
	setEsito(s.Esito[tipo], lang.L("Connessione in corso…"), widget.MediumImportance)
	u.appIO().bg.Go(func() func() {
		err := u.Core.Avvisi.VerificaCasella(u.ctx, tipo)
		return func() {
			b.Enable()
			if err != nil {
				setEsito(s.Esito[tipo], lang.L("Connessione non riuscita")+": "+widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			setEsito(s.Esito[tipo], lang.L("Connessione riuscita: il server ha accettato le credenziali."), widget.SuccessImportance)
		}
	})
}
