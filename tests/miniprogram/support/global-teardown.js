// Closes the stack host's stdin: it tears the stack down and exits.
module.exports = async function () {
  const h = globalThis.__SH_STACK_HOST__
  if (!h) return
  const exited = new Promise((resolve) => h.host.once('exit', resolve))
  h.host.stdin.end()
  await exited
}
