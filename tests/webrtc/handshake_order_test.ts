import { assertEquals } from "../support/assert.ts";
import {
  CLIENT_HELLO,
  FINISHED,
  HandshakeOrder,
  HELLO_VERIFY_REQUEST,
  SERVER_HELLO,
} from "../../lib/webrtc/handshake_order.ts";

// A DTLS 1.2 handshake with a cookie, as werift's server runs it: the server's flight 4 is
// ServerHello 1, Certificate 2, ServerKeyExchange 3, CertificateRequest 4, ServerHelloDone 5.
const CERTIFICATE = 11;
const SERVER_KEY_EXCHANGE = 12;
const CERTIFICATE_REQUEST = 13;
const SERVER_HELLO_DONE = 14;
const FLIGHT_4 = [
  { msg_type: SERVER_HELLO, message_seq: 1 },
  { msg_type: CERTIFICATE, message_seq: 2 },
  { msg_type: SERVER_KEY_EXCHANGE, message_seq: 3 },
  { msg_type: CERTIFICATE_REQUEST, message_seq: 4 },
  { msg_type: SERVER_HELLO_DONE, message_seq: 5 },
];
const types = (list: { msg_type: number }[]) => list.map((h) => h.msg_type);

Deno.test("HandshakeOrder passes a flight that arrives whole, in order", () => {
  const order = new HandshakeOrder("client");
  assertEquals(types(order.accept({ msg_type: HELLO_VERIFY_REQUEST, message_seq: 0 })), [
    HELLO_VERIFY_REQUEST,
  ]);
  assertEquals(FLIGHT_4.flatMap((h) => types(order.accept(h))), types(FLIGHT_4));
  assertEquals(types(order.accept({ msg_type: FINISHED, message_seq: 6 })), [FINISHED]);
  assertEquals(order.dropped, 0);
});

Deno.test("HandshakeOrder holds the end of a flight until the lost message is resent", () => {
  const order = new HandshakeOrder("client");
  // The CertificateRequest is lost: ServerHelloDone must not be handled yet (werift sent its flight
  // without a certificate then, and the handshake never completed).
  const first = FLIGHT_4.filter((h) => h.msg_type !== CERTIFICATE_REQUEST).flatMap((h) =>
    types(order.accept(h))
  );
  assertEquals(first, [SERVER_HELLO, CERTIFICATE, SERVER_KEY_EXCHANGE]);
  // The server resends the whole flight: repeats are dropped, the rest follows in order.
  const resent = FLIGHT_4.flatMap((h) => types(order.accept(h)));
  assertEquals(resent, [CERTIFICATE_REQUEST, SERVER_HELLO_DONE]);
  assertEquals(order.dropped, 4); // ServerHello, Certificate, ServerKeyExchange and the held ServerHelloDone
});

Deno.test("HandshakeOrder drops a resent flight once it was handled", () => {
  const order = new HandshakeOrder("client");
  for (const h of FLIGHT_4) order.accept(h);
  assertEquals(FLIGHT_4.flatMap((h) => order.accept(h)), []);
  assertEquals(order.dropped, FLIGHT_4.length);
});

Deno.test("HandshakeOrder waits for the first message of the peer's flight", () => {
  const order = new HandshakeOrder("client");
  assertEquals(order.accept(FLIGHT_4[1]), []); // the ServerHello was lost
  assertEquals(types(order.accept(FLIGHT_4[0])), [SERVER_HELLO, CERTIFICATE]);
});

Deno.test("HandshakeOrder on the server answers every cookie-less ClientHello and a repeated Finished", () => {
  const order = new HandshakeOrder("server");
  const hello = { msg_type: CLIENT_HELLO, message_seq: 0 };
  assertEquals(types(order.accept(hello)), [CLIENT_HELLO]);
  assertEquals(types(order.accept(hello)), [CLIENT_HELLO]);
  const cookieHello = { msg_type: CLIENT_HELLO, message_seq: 1 };
  assertEquals(types(order.accept(cookieHello)), [CLIENT_HELLO]);
  assertEquals(order.accept(cookieHello), [], "a resent cookie ClientHello does not start the server over");
  const flight5 = [
    { msg_type: CERTIFICATE, message_seq: 2 },
    { msg_type: 16, message_seq: 3 },
    { msg_type: 15, message_seq: 4 },
    { msg_type: FINISHED, message_seq: 5 },
  ];
  assertEquals(flight5.flatMap((h) => types(order.accept(h))), types(flight5));
  // The server's last flight was lost; the client resends its own: only the Finished gets through,
  // for the server to send its last flight again.
  assertEquals(flight5.flatMap((h) => types(order.accept(h))), [FINISHED]);
});
