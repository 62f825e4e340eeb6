/** An application that embeds env-core from the module path. */
module com.example.consumer {
  requires io.baseimage.env;
}
