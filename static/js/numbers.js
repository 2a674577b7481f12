// One rule for a number typed into a page, the same as core/numbers.py on the server: digits, at
// most one separator ("," or "."), which is the decimal separator, and no thousands grouping.
// 3,5 = 3.5 = 3,50; "1.000,5" (two separators), "1,000" (a decimal or a thousand?) and letters are
// unreadable, so a live total never counts them as 0 or as 35. Loaded before the scripts that use it.
(() => {
  const NUMBER = /^([-+]?)([0-9]*)(?:([.,])([0-9]*))?$/;

  // {ok: true, sign, whole, fraction} or {ok: false, code} with core.numbers' codes.
  const read = (text) => {
    const cleaned = String(text ?? "").trim().replace(/[\u00a0 ]/g, "");
    if (!cleaned) return { ok: false, code: "empty" };
    if ((cleaned.match(/[.,]/g) || []).length > 1) return { ok: false, code: "separators" };
    const match = NUMBER.exec(cleaned);
    if (!match || !(match[2] || match[4])) return { ok: false, code: "not_a_number" };
    const [, sign, whole, separator, fraction] = match;
    if (separator && fraction !== undefined && fraction.length === 3 && whole.length >= 1 && whole.length <= 3 && whole[0] !== "0") {
      return { ok: false, code: "ambiguous" };
    }
    if (separator && !fraction) return { ok: false, code: "not_a_number" };
    return { ok: true, sign, whole: whole || "0", fraction: fraction || "" };
  };

  // Hundredths as an integer (sums of two-decimal scores stay exact), or null when the text is
  // unreadable or has more than two decimals (the server refuses those too). "" gives null as well.
  const hundredths = (text) => {
    const number = read(text);
    if (!number.ok || number.fraction.length > 2) return null;
    const value = Number.parseInt(number.whole, 10) * 100 + Number.parseInt(number.fraction.padEnd(2, "0"), 10);
    return number.sign === "-" ? -value : value;
  };

  // A value the server wrote into a data attribute ("562.40", "0.25", Python's str of a Decimal):
  // machine text with a decimal point, not typed by a person, so not subject to the typing rule.
  const serverHundredths = (text) => {
    const value = Number.parseFloat(String(text ?? ""));
    return Number.isFinite(value) ? Math.round(value * 100) : null;
  };

  // A count: digits only, or null.
  const wholeNumber = (text) => {
    const number = read(text);
    if (!number.ok || number.fraction.replace(/0/g, "")) return null;
    const value = Number.parseInt(number.whole, 10);
    return number.sign === "-" ? -value : value;
  };

  // 1234567 hundredths -> "12.345,67": as the server shows numbers (floatformat "2g"), in both UI languages.
  const formatHundredths = (value) => {
    const negative = value < 0;
    const absolute = Math.abs(Math.round(value));
    const whole = String(Math.floor(absolute / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    const fraction = String(absolute % 100).padStart(2, "0");
    return `${negative ? "-" : ""}${whole},${fraction}`;
  };

  // Marks an input whose text cannot be read (and unmarks it once it can), with the server's message.
  const markUnreadable = (input, unreadable, message) => {
    const id = `${input.id || input.name}-unreadable`;
    let feedback = document.getElementById(id);
    if (unreadable) {
      // Already marked by the server (the form came back with its error beside the field): one message is enough.
      if (input.classList.contains("is-invalid") && !("unreadable" in input.dataset)) return;
      input.classList.add("is-invalid");
      input.setAttribute("aria-invalid", "true");
      input.dataset.unreadable = "";
      if (feedback && message) feedback.textContent = message; // the reason may change while typing
      if (!feedback && message) {
        feedback = document.createElement("div");
        feedback.id = id;
        feedback.className = "invalid-feedback d-block";
        feedback.textContent = message;
        input.insertAdjacentElement("afterend", feedback);
        input.setAttribute("aria-describedby", id);
      }
    } else if ("unreadable" in input.dataset) {
      delete input.dataset.unreadable;
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      if (feedback) feedback.remove();
      if (input.getAttribute("aria-describedby") === id) input.removeAttribute("aria-describedby");
    }
  };

  // Why `text` is refused, in the server's words: the form carries core.forms' messages as
  // data-number-<code> attributes ({% number_messages %}); `whole` for a count.
  const message = (form, text, whole = false) => {
    const number = read(text);
    let code = number.ok ? "not_a_number" : number.code;
    if (number.ok && whole && number.fraction.replace(/0/g, "")) code = "not_whole";
    if (code === "ambiguous" && whole) code = "ambiguous_whole";
    const key = `number${code.split("_").map((part) => part[0].toUpperCase() + part.slice(1)).join("")}`;
    return (form.dataset[key] || form.dataset.numberNotANumber || "").replace("%(value)s", String(text ?? "").trim());
  };

  window.klaNumbers = { read, hundredths, serverHundredths, wholeNumber, formatHundredths, markUnreadable, message };
})();
