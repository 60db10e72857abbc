package emulator

import "time"

// now is the emulator's clock: real time plus the offset that POST /_emulator/clock/advance adds to.
// Callers hold e.mu.
func (e *Emulator) now() time.Time {
	return time.Now().UTC().Add(e.st.ClockOffset)
}
