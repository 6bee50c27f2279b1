package appio

import (
	"time"
)

// FeatureLevel is a message's (and a service's) feature level.
type FeatureLevel string

const (
	FeatureStandard FeatureLevel = "STANDARD"
	FeatureAdvanced FeatureLevel = "ADVANCED" // "Premium": read and payment status
)

// NewMessage is a message to submit (the spec's NewMessage; the recipient
// is passed apart).
type NewMessage struct {
	// TimeToLive: 0 leaves IO's default (1 h); otherwise 1 h..7 days.
	// Deprecated by IO but still accepted.
	TimeToLive time.Duration
	// FeatureLevelType: "" leaves IO's default, STANDARD.
	FeatureLevelType FeatureLevel
	Content          Content
}

// Content is a message's content (MessageContent). Lengths are counted
// like IO counts them, see JSLength.
type Content struct {
	Subject  string // 10–120; must not carry personal data
	Markdown string // 80–10000
	// RequireSecureChannels: no e-mail notification, only the app.
	RequireSecureChannels bool
	// DueDate is sent in UTC, "2006-01-02T15:04:05.000Z".
	DueDate     *time.Time
	PaymentData *PaymentData
}

// PaymentData makes the message a pagoPA payment notice.
type PaymentData struct {
	Amount              int64  // euro cents, 1..9999999999
	NoticeNumber        string // numero avviso, ^[0123][0-9]{17}$
	InvalidAfterDueDate bool
	// Payee is sent only when set: IO answers 403 unless the service has
	// the permission to name one. Without it IO uses the service's ente.
	Payee *Payee
}

// Payee is the ente that receives the payment.
type Payee struct {
	FiscalCode string // 11 digits
}

// Profile is what IO tells a service about a citizen (LimitedProfile).
type Profile struct {
	// SenderAllowed false: the citizen turned this service off. IO's rules:
	// do not send.
	SenderAllowed      bool
	PreferredLanguages []string // e.g. "it_IT"; may be empty
}

// Status is a message's processing status (MessageStatusValue).
type Status string

const (
	StatusAccepted  Status = "ACCEPTED"  // accepted, not yet processed
	StatusThrottled Status = "THROTTLED" // temporary failure, IO retries up to 7 days
	StatusFailed    Status = "FAILED"    // permanent failure, nothing delivered
	StatusProcessed Status = "PROCESSED" // in the citizen's inbox
	StatusRejected  Status = "REJECTED"  // recipient not on IO or sender blocked
)

// Final reports that the status will not change any more.
func (s Status) Final() bool {
	return s == StatusProcessed || s == StatusFailed || s == StatusRejected
}

// NotificationStatus is the state of one notification channel.
type NotificationStatus string

const (
	NotificationSent      NotificationStatus = "SENT"
	NotificationThrottled NotificationStatus = "THROTTLED"
	NotificationExpired   NotificationStatus = "EXPIRED"
	NotificationFailed    NotificationStatus = "FAILED"
)

// Notification is the state of the notifications of a processed message;
// "" for a channel not used.
type Notification struct {
	Email   NotificationStatus
	Webhook NotificationStatus // the app's push notification
}

// ReadStatus is known for ADVANCED messages only.
type ReadStatus string

const (
	ReadUnavailable ReadStatus = "UNAVAILABLE" // the citizen hides it
	ReadUnread      ReadStatus = "UNREAD"
	ReadRead        ReadStatus = "READ"
)

// PaymentStatus is known for ADVANCED payment messages only.
type PaymentStatus string

const (
	PaymentPaid    PaymentStatus = "PAID"
	PaymentNotPaid PaymentStatus = "NOT_PAID"
)

// MessageStatus is a submitted message as IO reports it
// (ExternalMessageResponseWithContent). Values IO may add later are kept
// as they come.
type MessageStatus struct {
	ID               string
	FiscalCode       string
	CreatedAt        time.Time
	SenderServiceID  string
	FeatureLevelType FeatureLevel
	TimeToLive       time.Duration
	// Content is returned once the message is PROCESSED; IO fills in the
	// payee of payment messages.
	Content       *Content
	Status        Status
	Notification  Notification
	ReadStatus    ReadStatus    // "" unless ADVANCED
	PaymentStatus PaymentStatus // "" unless ADVANCED with payment data
}

// IO's timestamp form (JavaScript's toISOString).
const timestampLayout = "2006-01-02T15:04:05.000Z"

// Wire forms.

type wireNewMessage struct {
	FiscalCode       string      `json:"fiscal_code"`
	TimeToLive       int64       `json:"time_to_live,omitempty"`
	FeatureLevelType string      `json:"feature_level_type,omitempty"`
	Content          wireContent `json:"content"`
}

type wireContent struct {
	Subject               string           `json:"subject"`
	Markdown              string           `json:"markdown"`
	RequireSecureChannels bool             `json:"require_secure_channels,omitempty"`
	DueDate               string           `json:"due_date,omitempty"`
	PaymentData           *wirePaymentData `json:"payment_data,omitempty"`
}

type wirePaymentData struct {
	Amount              int64      `json:"amount"`
	NoticeNumber        string     `json:"notice_number"`
	InvalidAfterDueDate bool       `json:"invalid_after_due_date"`
	Payee               *wirePayee `json:"payee,omitempty"`
}

type wirePayee struct {
	FiscalCode string `json:"fiscal_code"`
}

func toWire(cf string, m NewMessage) wireNewMessage {
	w := wireNewMessage{
		FiscalCode:       cf,
		TimeToLive:       int64(m.TimeToLive / time.Second),
		FeatureLevelType: string(m.FeatureLevelType),
		Content: wireContent{
			Subject:               m.Content.Subject,
			Markdown:              m.Content.Markdown,
			RequireSecureChannels: m.Content.RequireSecureChannels,
		},
	}
	if d := m.Content.DueDate; d != nil {
		w.Content.DueDate = d.UTC().Format(timestampLayout)
	}
	if p := m.Content.PaymentData; p != nil {
		w.Content.PaymentData = &wirePaymentData{Amount: p.Amount, NoticeNumber: p.NoticeNumber, InvalidAfterDueDate: p.InvalidAfterDueDate}
		if p.Payee != nil {
			w.Content.PaymentData.Payee = &wirePayee{FiscalCode: p.Payee.FiscalCode}
		}
	}
	return w
}

func (w *wireContent) content() *Content {
	c := &Content{Subject: w.Subject, Markdown: w.Markdown, RequireSecureChannels: w.RequireSecureChannels}
	if t, err := time.Parse(time.RFC3339Nano, w.DueDate); err == nil {
		t = t.UTC()
		c.DueDate = &t
	}
	if p := w.PaymentData; p != nil {
		c.PaymentData = &PaymentData{Amount: p.Amount, NoticeNumber: p.NoticeNumber, InvalidAfterDueDate: p.InvalidAfterDueDate}
		if p.Payee != nil {
			c.PaymentData.Payee = &Payee{FiscalCode: p.Payee.FiscalCode}
		}
	}
	return c
}

type wireProfile struct {
	SenderAllowed      *bool    `json:"sender_allowed"`
	PreferredLanguages []string `json:"preferred_languages"`
}

type wireMessageView struct {
	Message struct {
		ID               string       `json:"id"`
		FiscalCode       string       `json:"fiscal_code"`
		TimeToLive       int64        `json:"time_to_live"`
		CreatedAt        string       `json:"created_at"`
		Content          *wireContent `json:"content"`
		SenderServiceID  string       `json:"sender_service_id"`
		FeatureLevelType string       `json:"feature_level_type"`
	} `json:"message"`
	Notification *struct {
		Email   string `json:"email"`
		Webhook string `json:"webhook"`
	} `json:"notification"`
	Status        string `json:"status"`
	ReadStatus    string `json:"read_status"`
	PaymentStatus string `json:"payment_status"`
}

func (w *wireMessageView) status() MessageStatus {
	s := MessageStatus{
		ID:               w.Message.ID,
		FiscalCode:       w.Message.FiscalCode,
		SenderServiceID:  w.Message.SenderServiceID,
		FeatureLevelType: FeatureLevel(w.Message.FeatureLevelType),
		TimeToLive:       time.Duration(w.Message.TimeToLive) * time.Second,
		Status:           Status(w.Status),
		ReadStatus:       ReadStatus(w.ReadStatus),
		PaymentStatus:    PaymentStatus(w.PaymentStatus),
	}
	if t, err := time.Parse(time.RFC3339Nano, w.Message.CreatedAt); err == nil {
		s.CreatedAt = t.UTC()
	}
	if w.Message.Content != nil {
		s.Content = w.Message.Content.content()
	}
	if n := w.Notification; n != nil {
		s.Notification = Notification{Email: NotificationStatus(n.Email), Webhook: NotificationStatus(n.Webhook)}
	}
	return s
}
