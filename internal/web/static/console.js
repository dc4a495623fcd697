// The cloud instance console (templates/console.html): noVNC's RFB client
// on the panel's WebSocket /cloud/{id}/console/ws, which proxies to the
// instance's VNC server and authenticates there itself (the browser is
// given no password). An ES module: the page loads it with type=module.
import RFB from "/static/novnc/core/rfb.js";

const root = document.getElementById("console");
if (root) {
  const screen = document.getElementById("console-screen");
  const status = document.getElementById("console-status");
  const cad = document.getElementById("console-cad");
  const again = document.getElementById("console-reconnect");
  const url = new URL(root.dataset.ws, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  let rfb = null;
  let refused = false;

  // state is one of connecting, connected, disconnected, failed, refused:
  // the status line says it (a live region) and the root keeps it for
  // styles and tests.
  const show = (state) => {
    root.dataset.state = state;
    status.textContent = root.dataset[state];
  };

  const connect = () => {
    refused = false;
    show("connecting");
    again.hidden = true;
    rfb = new RFB(screen, url.href, { shared: true });
    rfb.scaleViewport = false;
    rfb.resizeSession = false;
    rfb.addEventListener("connect", () => {
      show("connected");
      cad.disabled = false;
    });
    rfb.addEventListener("securityfailure", () => {
      refused = true;
    });
    rfb.addEventListener("disconnect", (e) => {
      cad.disabled = true;
      show(refused ? "refused" : (e.detail.clean ? "disconnected" : "failed"));
      again.hidden = false;
      rfb = null;
    });
  };

  cad.addEventListener("click", () => {
    if (rfb) {
      rfb.sendCtrlAltDel();
      rfb.focus();
    }
  });
  again.addEventListener("click", connect);
  root.hidden = false;
  connect();
}
