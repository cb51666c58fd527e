// WeChat's callback APIs as promises. A promise rejects with WeChat's own {errMsg}.
function call(name, options = {}) {
  return new Promise((resolve, reject) => {
    wx[name](Object.assign({}, options, { success: resolve, fail: reject }))
  })
}

// A question before something that cannot be undone: true when the member chose `yes`.
async function ask(title, content, yes, no) {
  const answer = await call('showModal', { title, content, confirmText: yes, cancelText: no })
  return Boolean(answer.confirm)
}

module.exports = { call, ask }
