// A code scanned with the camera: the hall's check-in code, an invitation. A mini-program code
// gives its page's path with the scene, a plain QR code its text.
const wxp = require('./wxp')

function codeOf(scan) {
  const path = scan.path || ''
  const at = path.indexOf('scene=')
  if (at >= 0) return decodeURIComponent(path.slice(at + 6).split('&')[0])
  return scan.result || ''
}

// The scanned code; rejects when nothing was scanned (cancelled, no camera).
async function scanCode() {
  return codeOf(await wxp.call('scanCode', { onlyFromCamera: true, scanType: ['wxCode', 'qrCode'] }))
}

module.exports = { codeOf, scanCode }
