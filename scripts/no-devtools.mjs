// Stands in for react-devtools-core in alsx's build: ink connects to React's developer tools only
// when DEV=true, and alsx does not ship them.
export default {
  initialize() {},
  connectToDevTools() {
    process.stderr.write('alsx: React developer tools are not part of this build\n');
  },
};
