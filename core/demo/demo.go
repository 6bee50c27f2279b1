// Package demo builds the demo configuration: a separate database seeded
// with a realistic ente, operators and App IO services, and the sandbox
// running in-process with its state next to the database, so a demo stays
// coherent across restarts.
package demo

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/core/secrets"
	"github.com/sportello/sportello/store"
)

// Seed is the sandbox seed of demo mode: the same citizens and keys every time.
const Seed = 2026

// Password is the password of every demo account (documented in the README).
const Password = "sportello-demo"

// Operatore is the account demo mode logs in with.
const Operatore = "demo"

// Open starts the sandbox and opens the demo database in dir (default: the
// "demo" folder of the user's data directory), seeding it on first use.
func Open(ctx context.Context, dir string) (*core.App, error) {
	if dir == "" {
		p, err := store.DemoPath()
		if err != nil {
			return nil, err
		}
		dir = filepath.Dir(p)
	} else if filepath.Ext(dir) == ".db" {
		dir = filepath.Dir(dir) // accept --db pointing at the demo database itself
	}
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{
		Seed:                   Seed,
		OrganizationFiscalCode: Ente.CodiceFiscale,
		Rate:                   sandbox.DefaultRate,
		ProcessingDelay:        4 * time.Second,
		StateDir:               filepath.Join(dir, "sandbox"),
	})
	if err != nil {
		return nil, fmt.Errorf("avvio della sandbox dimostrativa: %w", err)
	}
	a, err := core.Open(ctx, core.Options{
		DBPath:  filepath.Join(dir, "sportello-demo.db"),
		Secrets: &secrets.File{Path: filepath.Join(dir, "secrets.json")},
	})
	if err != nil {
		sb.Close()
		return nil, err
	}
	a.OnClose(sb)
	a.Demo, a.SandboxURL = true, sb.URL()
	if err := seed(ctx, a, sb, dir); err != nil {
		a.Close()
		return nil, fmt.Errorf("dati dimostrativi: %w", err)
	}
	o, err := a.Operatori.Login(ctx, Operatore, Password)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.SetOperatore(o)
	return a, nil
}

type account struct {
	username, nome, email string
	ruolo                 operatori.Ruolo
}

var accounts = []account{
	{"demo", "Giulia Ferrari", "g.ferrari@comune.vimercate.example.it", operatori.RuoloOperatoreInvio},
	{"m.colombo", "Marco Colombo", "m.colombo@comune.vimercate.example.it", operatori.RuoloSupervisore},
	{"l.ricci", "Laura Ricci", "l.ricci@comune.vimercate.example.it", operatori.RuoloOperatore},
}

// Ente is the demo municipality (real name, made-up but valid fiscal code).
var Ente = store.Ente{
	Denominazione: "Comune di Vimercate",
	CodiceFiscale: "02066170966",
	CodiceIPA:     "c_m052",
	Settore:       "Settore Servizi al Cittadino",
	Indirizzo:     "Piazza Unità d'Italia 1, 20871 Vimercate (MB)",
}

func seed(ctx context.Context, a *core.App, sb *sandbox.Sandbox, dir string) error {
	primo, err := a.Operatori.PrimoAvvio(ctx)
	if err != nil {
		return err
	}
	var admin operatori.Operatore
	if primo {
		admin, err = a.Operatori.CreaAmministratore(ctx, operatori.Nuovo{Username: "admin", Nome: "Anna Esposito",
			Email: "a.esposito@comune.vimercate.example.it", Password: Password})
		if err != nil {
			return err
		}
		for _, ac := range accounts {
			if _, err := a.Operatori.Crea(ctx, admin, operatori.Nuovo{Username: ac.username, Nome: ac.nome, Email: ac.email,
				Ruolo: ac.ruolo, Password: Password, Attivo: true}); err != nil {
				return err
			}
		}
		if err := a.Impostazioni.SalvaEnte(ctx, admin, Ente); err != nil {
			return err
		}
	} else if admin, err = a.Operatori.Login(ctx, "admin", Password); err != nil {
		return fmt.Errorf("account admin dimostrativo: %w", err)
	}
	if err := syncServizi(ctx, a, admin, sb); err != nil {
		return err
	}
	// GPD too lives in this run's sandbox.
	if cfg, err := a.Impostazioni.GPD(ctx); err != nil {
		return err
	} else if gpd := sb.GPDCredentials(); cfg.URL != gpd.BaseURL || cfg.Chiave != gpd.Key {
		if err := a.Impostazioni.SalvaGPD(ctx, admin, gpd.BaseURL, gpd.Key); err != nil {
			return err
		}
	}
	if err := syncCaselle(ctx, a, admin, sb); err != nil {
		return err
	}
	// The PEC provider too lives in this run's sandbox.
	if cfg, err := a.Impostazioni.Provider(ctx); err != nil {
		return err
	} else if p := sb.ProviderCredentials(); cfg.URL != p.BaseURL || cfg.Chiave != p.Key {
		if err := a.Impostazioni.SalvaProvider(ctx, admin, p.BaseURL, p.Key); err != nil {
			return err
		}
	}
	// And pagoPA's FdR API for the reporting flows.
	if err := syncFdR(ctx, a, admin, sb); err != nil {
		return err
	}
	if primo {
		if err := seedRegistro(ctx, a, admin); err != nil {
			return err
		}
		for _, t := range TipiDovuto {
			if _, err := a.Impostazioni.SalvaTipoDovuto(ctx, admin, t); err != nil {
				return err
			}
		}
		if err := SeedCatalogo(ctx, a, admin); err != nil {
			return err
		}
		if err := seedAvvisi(ctx, a, admin); err != nil {
			return err
		}
		if err := seedRiconciliazione(ctx, a, admin, sb, dir); err != nil {
			return fmt.Errorf("riconciliazione dimostrativa: %w", err)
		}
		if err := seedSegnalazioni(ctx, a); err != nil {
			return err
		}
		return seedFlussi(ctx, a, admin)
	}
	return nil
}

// TipiDovuto are the demo's kinds of payment; DEMO is the one the CLI's
// examples use.
var TipiDovuto = []store.TipoDovuto{
	{Codice: "DEMO", Descrizione: "Pagamento dimostrativo", Tassonomia: "9/0101108TS/",
		IBAN: "IT60X0542811101000000123456", Segregazione: 1, Attivo: true},
	{Codice: "TRASPORTO", Descrizione: "Trasporto scolastico", Tassonomia: "9/0101108TS/",
		IBAN: "IT60X0542811101000000123456", Segregazione: 1, ContoPostale: "1234567",
		IntestatarioConto: "Comune di Vimercate - Servizio Tesoreria", Attivo: true,
		Ufficio: "ISTRUZIONE", Capitolo: "3050", Accertamento: "2026-118"},
	{Codice: "COSAP", Descrizione: "Canone occupazione suolo pubblico", Tassonomia: "9/0201133IM/",
		IBAN: "IT28X0306909606100000063185", Segregazione: 1, Attivo: true},
}

// syncServizi makes the demo's IO services point at this run's sandbox:
// its port changes at every start, its keys do not (same seed).
func syncServizi(ctx context.Context, a *core.App, admin operatori.Operatore, sb *sandbox.Sandbox) error {
	existing, err := a.Impostazioni.ServiziIO(ctx)
	if err != nil {
		return err
	}
	byID := map[string]store.ServizioIO{}
	for _, s := range existing {
		byID[s.ServiceID] = s.ServizioIO
	}
	for _, cred := range sb.Credentials().Services {
		s, ok := byID[cred.ServiceID]
		if !ok {
			s = store.ServizioIO{Nome: cred.Name, ServiceID: cred.ServiceID, Livello: sandbox.FeatureStandard,
				ImportoMassimo: cred.MaxAmount, Attivo: true}
			if cred.FeatureLevel == sandbox.FeatureAdvanced {
				s.Livello = sandbox.FeatureAdvanced
			}
		}
		key, kerr := a.Impostazioni.Chiave(cred.ServiceID)
		if ok && s.BaseURL == sb.IOBaseURL() && kerr == nil && key == cred.Key {
			continue
		}
		s.BaseURL = sb.IOBaseURL()
		newKey := cred.Key
		if kerr == nil && key == cred.Key {
			newKey = ""
		}
		if _, err := a.Impostazioni.SalvaServizioIO(ctx, admin, s, newKey); err != nil {
			return err
		}
	}
	return nil
}

// syncCaselle points the ente's PEC and e-mail mailboxes at this run's
// sandbox provider (its ports change at every start; its CA and the
// passwords do not).
func syncCaselle(ctx context.Context, a *core.App, admin operatori.Operatore, sb *sandbox.Sandbox) error {
	cred := sb.PECCredentials()
	for _, c := range cred.Caselle {
		var tipo string
		switch c.Indirizzo {
		case CasellaPEC:
			tipo = impostazioni.CasellaPEC
		case CasellaEmail:
			tipo = impostazioni.CasellaEmail
		default:
			continue
		}
		attuale, err := a.Impostazioni.Casella(ctx, tipo)
		if err != nil {
			return err
		}
		want := store.CasellaPosta{Tipo: tipo, Indirizzo: c.Indirizzo, Utente: c.Indirizzo, SMTPHost: cred.Host, SMTPPorta: cred.SMTPPort,
			SMTPSicurezza: impostazioni.SicurezzaTLS, CAPEM: cred.CAPEM}
		if tipo == impostazioni.CasellaPEC {
			want.IMAPHost, want.IMAPPorta, want.IMAPSicurezza = cred.Host, cred.IMAPPort, impostazioni.SicurezzaTLS
		}
		if attuale.Configurata && attuale.Password == c.Password && attuale.SMTPPorta == want.SMTPPorta &&
			attuale.IMAPPorta == want.IMAPPorta && attuale.CAPEM == want.CAPEM {
			continue
		}
		if err := a.Impostazioni.SalvaCasella(ctx, admin, want, c.Password); err != nil {
			return fmt.Errorf("casella %s: %w", c.Indirizzo, err)
		}
	}
	return nil
}

// The ente's mailboxes on the sandbox provider.
const (
	CasellaPEC   = "protocollo@pec.comune-demo.it"
	CasellaEmail = "ufficio.tributi@comune-demo.it"
)
