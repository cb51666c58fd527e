// WeChat's callback APIs as promises. A promise rejects with WeChat's own {errMsg}.
function call(name, options = {}) {
  return new Promise((resolve, reject) => {
    wx[name](Object.assign({}, options, { success: resolve, fail: reject }))
  })
}

module.exports = { call }
