/** The pages' style sheet, served as its own file: the page CSP allows no inline style. */
export const PAGE_STYLE = `body {
  font-family: system-ui, sans-serif;
  line-height: 1.5;
  margin: 0;
  padding: 2rem 1rem;
  color: #1a1a1a;
  background: #f6f6f6;
}
main {
  max-width: 28rem;
  margin: 0 auto;
  padding: 1.5rem;
  background: #fff;
  border-radius: 0.5rem;
}
h1 {
  font-size: 1.4rem;
  margin-top: 0;
}
label,
input,
button {
  display: block;
  width: 100%;
  box-sizing: border-box;
  font: inherit;
}
input {
  margin: 0.25rem 0 1rem;
  padding: 0.5rem;
}
button {
  padding: 0.6rem;
  cursor: pointer;
}
[data-kind="error"] {
  color: #b00020;
}
[data-kind="done"] {
  color: #1b5e20;
}
`;
